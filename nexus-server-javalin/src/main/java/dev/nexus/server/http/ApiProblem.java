package dev.nexus.server.http;

import java.time.Duration;
import java.util.Objects;

/**
 * An error answer of the HTTP API, written as {@code application/problem+json}: a stable {@code
 * type} (a short slug, served as {@code https://nexus.dev/problems/<slug>}), a title, a human
 * {@code detail} and the status; {@code retryAfter} adds a Retry-After header.
 */
public final class ApiProblem extends RuntimeException {

  private final int status;
  private final String type;
  private final String title;
  private final Duration retryAfter;

  public ApiProblem(int status, String type, String title, String detail) {
    this(status, type, title, detail, null);
  }

  public ApiProblem(int status, String type, String title, String detail, Duration retryAfter) {
    super(Objects.requireNonNull(detail, "detail"), null, false, false);
    this.status = status;
    this.type = Objects.requireNonNull(type, "type");
    this.title = Objects.requireNonNull(title, "title");
    this.retryAfter = retryAfter;
  }

  public static ApiProblem badRequest(String detail) {
    return new ApiProblem(400, "malformed-request", "Malformed request", detail);
  }

  public static ApiProblem invalid(String detail) {
    return new ApiProblem(422, "invalid-value", "Invalid value", detail);
  }

  public static ApiProblem notFound(String detail) {
    return new ApiProblem(404, "not-found", "Not found", detail);
  }

  public static ApiProblem forbidden(String detail) {
    return new ApiProblem(403, "forbidden", "Forbidden", detail);
  }

  public static ApiProblem unauthenticated(String detail) {
    return new ApiProblem(401, "unauthenticated", "Unauthenticated", detail);
  }

  public static ApiProblem tooManyRequests(String detail, Duration retryAfter) {
    return new ApiProblem(429, "rate-limited", "Too many requests", detail, retryAfter);
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return getMessage();
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
