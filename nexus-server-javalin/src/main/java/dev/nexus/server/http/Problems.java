package dev.nexus.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.nexus.core.error.AccessDeniedException;
import dev.nexus.core.error.AuthenticationException;
import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.error.ConflictException;
import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.error.NotFoundException;
import dev.nexus.core.error.OutcomeUnknownException;
import dev.nexus.core.error.ProviderException;
import dev.nexus.core.error.ReconnectRequiredException;
import dev.nexus.core.error.RetriableException;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one mapping from exceptions to HTTP answers. Caller faults become 4xx with the exception's
 * message (which by convention names no secret); retriable failures become 503 with Retry-After;
 * anything else is a 500 whose detail says nothing about the cause.
 */
final class Problems {

  static final String CONTENT_TYPE = "application/problem+json";
  static final String TYPE_BASE = "https://nexus.dev/problems/";
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

  private Problems() {}

  static ApiProblem from(Exception e) {
    if (e instanceof ApiProblem problem) {
      return problem;
    }
    if (e instanceof JsonProcessingException) {
      return ApiProblem.badRequest("the request body is not valid JSON of the expected shape");
    }
    if (e instanceof InvalidInputException) {
      return ApiProblem.invalid(e.getMessage());
    }
    if (e instanceof AuthenticationException) {
      return ApiProblem.unauthenticated(e.getMessage());
    }
    if (e instanceof AccessDeniedException) {
      return ApiProblem.forbidden(e.getMessage());
    }
    if (e instanceof NotFoundException) {
      return ApiProblem.notFound(e.getMessage());
    }
    if (e instanceof ReconnectRequiredException) {
      return new ApiProblem(409, "reconnect-required", "Reconnect required", e.getMessage());
    }
    if (e instanceof ConflictException) {
      return new ApiProblem(409, "conflict", "Conflict", e.getMessage());
    }
    if (e instanceof OutcomeUnknownException) {
      return new ApiProblem(502, "outcome-unknown", "Outcome unknown", e.getMessage());
    }
    if (e instanceof ProviderException) {
      return new ApiProblem(502, "provider-refused", "Provider refused", e.getMessage());
    }
    if (e instanceof RetriableException retriable) {
      return new ApiProblem(
          503,
          "unavailable",
          "Service unavailable",
          "a dependency is unavailable; try again shortly",
          retriable.retryAfter().orElse(Duration.ofSeconds(5)));
    }
    if (e instanceof ConfigurationException) {
      LOG.error("configuration error: {}", e.getMessage());
      return new ApiProblem(500, "internal", "Internal error", "the server is misconfigured");
    }
    LOG.error("unexpected failure ({})", e.getClass().getName(), e);
    return new ApiProblem(500, "internal", "Internal error", "something went wrong on our side");
  }

  static Map<String, Object> body(ApiProblem problem, String instance) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", TYPE_BASE + problem.type());
    body.put("title", problem.title());
    body.put("status", problem.status());
    body.put("detail", problem.detail());
    if (instance != null) {
      body.put("instance", instance);
    }
    return body;
  }

  static void write(Context ctx, ApiProblem problem, Json json) {
    ctx.status(problem.status());
    if (problem.retryAfter() != null) {
      ctx.header("Retry-After", Long.toString(Math.max(1, problem.retryAfter().toSeconds())));
    }
    if (problem.status() == 401) {
      // RFC 6750: name the scheme the API expects.
      ctx.header("WWW-Authenticate", "Bearer realm=\"nexus\"");
    }
    ctx.contentType(CONTENT_TYPE);
    ctx.result(json.write(body(problem, ctx.path())));
  }
}
