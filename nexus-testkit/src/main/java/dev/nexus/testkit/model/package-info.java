/** A language model for tests that replays a prepared script and records what it was asked. */
package dev.nexus.testkit.model;
