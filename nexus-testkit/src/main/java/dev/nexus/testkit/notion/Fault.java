package dev.nexus.testkit.notion;

import java.time.Duration;
import java.util.Objects;

/**
 * A failure {@link FakeNotionServer} injects into one request, chosen by a test.
 *
 * @param kind what happens
 * @param status the HTTP status of an error answer
 * @param code Notion's error code in the answer
 * @param retryAfterSeconds the {@code Retry-After} header of a 429, or -1 for none
 * @param delay how long the request is held before it is answered (latency)
 */
public record Fault(Kind kind, int status, String code, int retryAfterSeconds, Duration delay) {

  /** What a fault does. */
  public enum Kind {
    /** Answers an error body with {@code status} and {@code code}. */
    ERROR,
    /** Waits {@code delay}, then handles the request normally. */
    LATENCY,
    /** Closes the connection without answering, before the request has any effect. */
    DROP_BEFORE,
    /** Handles the request (its effect happens), then closes the connection without answering. */
    DROP_AFTER
  }

  public Fault {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(delay, "delay");
  }

  /** An error answer of Notion's shape. */
  public static Fault status(int status, String code) {
    return new Fault(Kind.ERROR, status, code, -1, Duration.ZERO);
  }

  /** 429 rate_limited with {@code Retry-After: seconds}. */
  public static Fault rateLimited(int retryAfterSeconds) {
    return new Fault(Kind.ERROR, 429, "rate_limited", retryAfterSeconds, Duration.ZERO);
  }

  /** 500 internal_server_error. */
  public static Fault serverError() {
    return status(500, "internal_server_error");
  }

  /** 503 service_unavailable. */
  public static Fault unavailable() {
    return status(503, "service_unavailable");
  }

  /** 529 service_overload. */
  public static Fault overloaded() {
    return status(529, "service_overload");
  }

  /** 401 unauthorized, as for an expired or revoked token. */
  public static Fault unauthorized() {
    return status(401, "unauthorized");
  }

  /** 403 restricted_resource. */
  public static Fault restricted() {
    return status(403, "restricted_resource");
  }

  /** Holds the request for {@code delay} before answering it normally. */
  public static Fault latency(Duration delay) {
    return new Fault(Kind.LATENCY, 0, "", -1, delay);
  }

  /** Drops the connection before the request takes effect. */
  public static Fault dropConnection() {
    return new Fault(Kind.DROP_BEFORE, 0, "", -1, Duration.ZERO);
  }

  /** Lets the request take effect, then drops the connection instead of answering. */
  public static Fault dropConnectionAfterEffect() {
    return new Fault(Kind.DROP_AFTER, 0, "", -1, Duration.ZERO);
  }
}
