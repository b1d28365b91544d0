package dev.nexus.agent.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.ContentFilteredException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.exception.UnresolvedModelServerException;
import dev.nexus.agent.langchain4j.ModelCallException.Reason;
import dev.nexus.core.error.NexusException;
import dev.nexus.core.error.RetriableException;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;

/**
 * The one place where LangChain4j and HTTP failures become Nexus exceptions: 429, 5xx, timeouts and
 * unreachable servers are {@link RetriableException}s; 400, 401, 403, 404 and other refusals are
 * {@link ModelCallException}s. Messages name the provider and the HTTP status, never the API key,
 * the prompt or the provider's error text; the original failure is kept as the cause.
 */
final class ModelFailures {

  /** Gemini answers a wrong key with 400 and this reason in the error details. */
  private static final String INVALID_KEY_REASON = "API_KEY_INVALID";

  private ModelFailures() {}

  static NexusException map(String provider, Throwable failure) {
    if (failure instanceof NexusException nexus) {
      return nexus;
    }
    HttpException http = find(failure, HttpException.class);
    if (http != null) {
      return forStatus(provider, http.statusCode(), http.getMessage(), failure);
    }
    if (has(failure, TimeoutException.class)
        || has(failure, HttpTimeoutException.class)
        || has(failure, java.net.SocketTimeoutException.class)
        || has(failure, java.util.concurrent.TimeoutException.class)) {
      return new RetriableException(
          provider + " did not answer in time; try again shortly.", null, failure);
    }
    if (has(failure, RateLimitException.class)) {
      return forStatus(provider, 429, null, failure);
    }
    if (has(failure, InternalServerException.class)) {
      return forStatus(provider, 500, null, failure);
    }
    if (has(failure, AuthenticationException.class)) {
      return forStatus(provider, 401, null, failure);
    }
    if (has(failure, ModelNotFoundException.class)) {
      return forStatus(provider, 404, null, failure);
    }
    if (has(failure, ContentFilteredException.class)) {
      return new ModelCallException(
          Reason.CONTENT_FILTERED,
          provider + " declined to answer this request because of its content filter.",
          failure);
    }
    if (has(failure, InvalidRequestException.class)) {
      return forStatus(provider, 400, null, failure);
    }
    if (has(failure, JsonProcessingException.class)) {
      return new ModelCallException(
          Reason.INVALID_RESPONSE,
          provider + " answered something that could not be read.",
          failure);
    }
    if (has(failure, UnresolvedModelServerException.class)
        || has(failure, UnresolvedAddressException.class)
        || has(failure, IOException.class)) {
      return new RetriableException(
          provider + " could not be reached; try again shortly.", null, failure);
    }
    if (has(failure, dev.langchain4j.exception.RetriableException.class)) {
      return new RetriableException(
          provider + " failed for a passing reason; try again shortly.", null, failure);
    }
    return new ModelCallException(
        Reason.FAILED,
        provider + " failed unexpectedly (" + failure.getClass().getSimpleName() + ").",
        failure);
  }

  private static NexusException forStatus(
      String provider, int status, String body, Throwable failure) {
    String code = " (HTTP " + status + ")";
    if (status == 429) {
      return new RetriableException(
          provider + " is rate limiting requests" + code + "; try again shortly.", null, failure);
    }
    if (status == 408 || status >= 500) {
      return new RetriableException(
          provider + " is unavailable" + code + "; try again shortly.", null, failure);
    }
    if (status == 401 || status == 403 || (body != null && body.contains(INVALID_KEY_REASON))) {
      return new ModelCallException(
          Reason.AUTHENTICATION,
          provider + " refused the API key" + code + "; check that the key is valid.",
          failure);
    }
    if (status == 404) {
      return new ModelCallException(
          Reason.MODEL_NOT_FOUND,
          provider + " does not know the configured model or endpoint" + code + ".",
          failure);
    }
    return new ModelCallException(
        Reason.INVALID_REQUEST, provider + " refused the request as invalid" + code + ".", failure);
  }

  private static boolean has(Throwable failure, Class<? extends Throwable> type) {
    return find(failure, type) != null;
  }

  private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
    Throwable current = failure;
    for (int depth = 0; current != null && depth < 16; depth++) {
      if (type.isInstance(current)) {
        return type.cast(current);
      }
      current = current.getCause() == current ? null : current.getCause();
    }
    return null;
  }
}
