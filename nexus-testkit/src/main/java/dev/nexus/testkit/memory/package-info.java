/**
 * Thread-safe in-memory adapters for every Nexus port, for tests and the sandbox. Each passes the
 * same contract suite ({@code dev.nexus.testkit.contract}) as the real adapters; none persists
 * anything.
 */
package dev.nexus.testkit.memory;
