package dev.nexus.testkit.gmail;

import java.time.Duration;
import java.util.Objects;

/**
 * A failure {@link FakeGmailServer} injects into matching requests, set with {@link
 * FakeGmailServer#fail}. Each kind mirrors something Gmail or the network really does.
 */
public sealed interface Fault {

  /** Waits before answering normally. */
  record Latency(Duration delay) implements Fault {
    public Latency {
      Objects.requireNonNull(delay, "delay");
    }
  }

  /** Answers an HTTP error with Gmail's error body, without doing the request. */
  record Status(int code, String reason, String retryAfter) implements Fault {
    public Status {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Closes the connection without an answer, before doing the request. */
  record DropBefore() implements Fault {}

  /** Does the request, then closes the connection without an answer. */
  record DropAfter() implements Fault {}

  /** A delay before the normal answer. */
  static Fault latency(Duration delay) {
    return new Latency(delay);
  }

  /** 429 {@code rateLimitExceeded} with {@code Retry-After} in seconds. */
  static Fault rateLimited(long retryAfterSeconds) {
    return new Status(429, "rateLimitExceeded", Long.toString(retryAfterSeconds));
  }

  /** 500 {@code backendError}. */
  static Fault serverError() {
    return new Status(500, "backendError", null);
  }

  /** 503 {@code backendError}. */
  static Fault unavailable() {
    return new Status(503, "backendError", null);
  }

  /** 401 {@code authError}, as for an access token Google no longer accepts. */
  static Fault expiredToken() {
    return new Status(401, "authError", null);
  }

  /** 403 {@code forbidden}, as for a request the account may not make. */
  static Fault forbidden() {
    return new Status(403, "forbidden", null);
  }

  /** Any status with a Gmail error reason. */
  static Fault status(int code, String reason) {
    return new Status(code, reason, null);
  }

  /** The connection closes before the request is done. */
  static Fault dropConnection() {
    return new DropBefore();
  }

  /** The request is done, then the connection closes without an answer. */
  static Fault dropAfterProcessing() {
    return new DropAfter();
  }
}
