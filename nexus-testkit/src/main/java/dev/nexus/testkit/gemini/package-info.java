/** A fake Gemini API on loopback for tests and the sandbox: scripted answers, recorded requests. */
package dev.nexus.testkit.gemini;
