package dev.nexus.connectors.notion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nexus.core.error.AccessDeniedException;
import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.error.NexusException;
import dev.nexus.core.error.NotFoundException;
import dev.nexus.core.error.OutcomeUnknownException;
import dev.nexus.core.error.ProviderException;
import dev.nexus.core.error.ReconnectRequiredException;
import dev.nexus.core.error.RetriableException;
import dev.nexus.core.tool.ToolContext;
import dev.nexus.core.vault.AccessToken;
import dev.nexus.core.vault.ProviderId;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one Notion API request for a tool call, with the error policy of the connector: a 401 gets
 * one refreshed token and one more try; 429 waits for {@code Retry-After}; busy answers and dropped
 * reads are retried with backoff within the configured limits; a write that may have reached Notion
 * is never sent twice. Every failure becomes a {@link NexusException} whose message is short and
 * holds no content or token. Logs one DEBUG line per HTTP exchange.
 */
final class NotionClient {

  /** Waits between attempts; replaced in tests to record the waits without sleeping. */
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  /** Whether a request changes something in Notion, and so may not be repeated blindly. */
  enum Kind {
    READ,
    WRITE
  }

  private static final Logger LOG = LoggerFactory.getLogger(NotionClient.class);
  private static final MediaType JSON_TYPE = MediaType.get("application/json; charset=utf-8");

  private final NotionSettings settings;
  private final OkHttpClient http;
  private final ObjectMapper json;
  private final Sleeper sleeper;
  private final HttpUrl base;

  NotionClient(NotionSettings settings, OkHttpClient http, ObjectMapper json, Sleeper sleeper) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.http = Objects.requireNonNull(http, "http");
    this.json = Objects.requireNonNull(json, "json");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.base = HttpUrl.get(settings.apiBaseUrl().toString());
  }

  /**
   * An OkHttp client for Notion: it never retries a request on its own (the connector decides), and
   * every call is bounded by the configured timeout.
   */
  static OkHttpClient defaultHttpClient(NotionSettings settings) {
    return new OkHttpClient.Builder()
        .retryOnConnectionFailure(false)
        .followRedirects(false)
        .callTimeout(settings.callTimeout())
        .readTimeout(settings.callTimeout())
        .build();
  }

  ObjectMapper json() {
    return json;
  }

  JsonNode get(ToolContext context, String path, Map<String, String> query, String operation) {
    HttpUrl.Builder url = base.newBuilder().addPathSegments(path);
    query.forEach(url::addQueryParameter);
    return send(context, "GET", url.build(), null, Kind.READ, operation);
  }

  JsonNode post(ToolContext context, String path, ObjectNode body, Kind kind, String operation) {
    return send(
        context, "POST", base.newBuilder().addPathSegments(path).build(), body, kind, operation);
  }

  JsonNode patch(ToolContext context, String path, ObjectNode body, String operation) {
    return send(
        context,
        "PATCH",
        base.newBuilder().addPathSegments(path).build(),
        body,
        Kind.WRITE,
        operation);
  }

  private JsonNode send(
      ToolContext context, String method, HttpUrl url, ObjectNode body, Kind kind, String op) {
    AccessToken token = context.accessToken(ProviderId.NOTION);
    boolean refreshed = false;
    int attempt = 0;
    byte[] payload = body == null ? null : serialize(body);
    while (true) {
      attempt++;
      long started = System.nanoTime();
      Request request = request(method, url, payload, token);
      Answer answer;
      try (Response response = http.newCall(request).execute()) {
        answer = Answer.of(response, json);
      } catch (IOException e) {
        boolean notSent = e instanceof ConnectException || e instanceof UnknownHostException;
        LOG.debug(
            "notion {} {} failed without an answer ({}) after {} ms, attempt {}",
            op,
            method,
            e.getClass().getSimpleName(),
            millisSince(started),
            attempt);
        if (kind == Kind.WRITE && !notSent) {
          throw new OutcomeUnknownException(
              "Notion did not answer the "
                  + op
                  + " request, so it may or may not have taken effect; check in Notion before"
                  + " trying again",
              e);
        }
        if (attempt >= settings.maxAttempts()) {
          throw new RetriableException(
              "Notion could not be reached for " + op + " after " + attempt + " attempts", null, e);
        }
        pause(backoff(attempt));
        continue;
      }
      LOG.debug(
          "notion {} {} answered {}{} in {} ms, attempt {}",
          op,
          method,
          answer.status(),
          answer.code().isEmpty() ? "" : " " + answer.code(),
          millisSince(started),
          attempt);

      if (answer.status() >= 200 && answer.status() < 300) {
        return answer.body();
      }
      if (answer.status() == 401) {
        if (refreshed) {
          throw new ReconnectRequiredException(
              "Notion rejected the connection again after a refresh; reconnect Notion");
        }
        token = context.refreshRejected(ProviderId.NOTION, token);
        refreshed = true;
        attempt--;
        continue;
      }
      Duration wait = retryWait(answer, kind, attempt, op);
      pause(wait);
    }
  }

  /** The wait before trying again, or throws the failure when the answer must not be retried. */
  private Duration retryWait(Answer answer, Kind kind, int attempt, String op) {
    int status = answer.status();
    switch (status) {
      case 400 ->
          throw new InvalidInputException(
              "Notion refused the " + op + " request as invalid: " + answer.shortMessage());
      case 403 ->
          throw new AccessDeniedException(
              "Notion denied access for "
                  + op
                  + "; the page or data source must be shared with the Nexus integration");
      case 404 ->
          throw new NotFoundException(
              "Notion found nothing for "
                  + op
                  + "; check the id, and that the page or data source is shared with Nexus");
      case 429 -> {
        Duration asked = answer.retryAfter().orElse(backoff(attempt));
        if (attempt >= settings.maxAttempts() || asked.compareTo(settings.maxRetryWait()) > 0) {
          throw new RetriableException(
              "Notion is rate limiting requests; try again in " + seconds(asked) + " seconds",
              asked,
              null);
        }
        return asked;
      }
      default -> {
        // 409 (a write collision), 503 and 529 mean Notion did not apply the request; other 5xx
        // answers leave a write's outcome open.
        boolean notApplied = status == 409 || status == 503 || status == 529;
        boolean busy = notApplied || status >= 500;
        if (!busy) {
          throw new ProviderException(
              "Notion answered HTTP " + status + " (" + answer.code() + ") to " + op);
        }
        if (kind == Kind.WRITE && !notApplied) {
          throw new OutcomeUnknownException(
              "Notion failed with HTTP "
                  + status
                  + " during "
                  + op
                  + ", so it may or may not have taken effect; check in Notion before trying"
                  + " again");
        }
        if (attempt >= settings.maxAttempts()) {
          throw new RetriableException(
              "Notion is unavailable (HTTP " + status + ") for " + op + "; try again later",
              answer.retryAfter().orElse(null),
              null);
        }
        return answer
            .retryAfter()
            .filter(d -> d.compareTo(backoff(attempt)) > 0)
            .map(d -> d.compareTo(settings.maxRetryWait()) > 0 ? settings.maxRetryWait() : d)
            .orElse(backoff(attempt));
      }
    }
  }

  private Request request(String method, HttpUrl url, byte[] payload, AccessToken token) {
    Request.Builder builder =
        new Request.Builder()
            .url(url)
            .header("Authorization", "Bearer " + token.reveal())
            .header("Notion-Version", settings.notionVersion())
            .header("Accept", "application/json");
    if (payload != null) {
      builder.method(method, RequestBody.create(payload, JSON_TYPE));
    } else {
      builder.method(method, null);
    }
    return builder.build();
  }

  private byte[] serialize(ObjectNode body) {
    try {
      return json.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  private Duration backoff(int attempt) {
    long base = settings.initialBackoff().toMillis() << Math.min(attempt - 1, 16);
    long jitter = base <= 0 ? 0 : ThreadLocalRandom.current().nextLong(base / 5 + 1);
    Duration wait = Duration.ofMillis(base + jitter);
    return wait.compareTo(settings.maxRetryWait()) > 0 ? settings.maxRetryWait() : wait;
  }

  private void pause(Duration wait) {
    if (wait.isZero() || wait.isNegative()) {
      return;
    }
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableException("the Notion request was interrupted while waiting to retry");
    }
  }

  private static long millisSince(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }

  private static long seconds(Duration duration) {
    return Math.max(1, (duration.toMillis() + 999) / 1000);
  }

  /** One HTTP answer, read fully. */
  private record Answer(int status, JsonNode body, String code, String message, Duration after) {

    static Answer of(Response response, ObjectMapper json) throws IOException {
      ResponseBody responseBody = response.body();
      String text = responseBody == null ? "" : responseBody.string();
      JsonNode body;
      try {
        body = text.isEmpty() ? json.createObjectNode() : json.readTree(text);
      } catch (IOException e) {
        body = json.createObjectNode();
        if (response.isSuccessful()) {
          throw new ProviderException("Notion answered with a body that is not JSON", e);
        }
      }
      String code = body.path("code").asText("");
      String message = body.path("message").asText("");
      return new Answer(
          response.code(), body, code, message, parseRetryAfter(response.header("Retry-After")));
    }

    java.util.Optional<Duration> retryAfter() {
      return java.util.Optional.ofNullable(after);
    }

    /** Notion's own explanation of a 400, capped; it describes the request's shape. */
    String shortMessage() {
      String text = message.isBlank() ? code : message;
      return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    private static Duration parseRetryAfter(String header) {
      if (header == null) {
        return null;
      }
      try {
        long seconds = Long.parseLong(header.trim());
        return seconds < 0 ? null : Duration.ofSeconds(seconds);
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }
}
