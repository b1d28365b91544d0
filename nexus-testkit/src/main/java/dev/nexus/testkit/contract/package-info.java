/**
 * Abstract contract tests, one per port: what every adapter must do, concurrency included. An
 * adapter's test extends the contract and implements its factory method; the in-memory adapters and
 * the real ones run the same tests.
 */
package dev.nexus.testkit.contract;
