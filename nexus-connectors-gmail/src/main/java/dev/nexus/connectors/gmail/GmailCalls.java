package dev.nexus.connectors.gmail;

import com.google.api.client.auth.oauth2.TokenResponseException;
import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.googleapis.services.AbstractGoogleClientRequest;
import com.google.api.client.http.HttpResponseException;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.json.JsonFactory;
import com.google.api.services.gmail.Gmail;
import dev.nexus.core.error.AccessDeniedException;
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
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.apache.http.conn.ConnectTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Gmail requests for one tool call under Nexus's error policy: a 401 refreshes the token once
 * and tries again, rate limits and server errors are retried a bounded number of times when that is
 * safe, and every other failure becomes a {@link dev.nexus.core.error.NexusException} with a short
 * message. A write that is not idempotent is never tried again once it may have reached Gmail: a
 * dropped connection, a timeout or a server error there is an {@link OutcomeUnknownException}.
 */
final class GmailCalls {

  private static final Logger LOG = LoggerFactory.getLogger(GmailCalls.class);

  /** What repeating a request can do. */
  enum Kind {
    /** Reads nothing but state: safe to repeat. */
    READ,
    /** Changes state, but repeating it changes nothing more (labels, trash). */
    IDEMPOTENT_WRITE,
    /** Repeating it may do it twice (send, create a draft). */
    WRITE
  }

  /** Builds the request against a client carrying the current token. */
  @FunctionalInterface
  interface RequestBuilder<T> {
    AbstractGoogleClientRequest<T> build(Gmail gmail) throws IOException;
  }

  private final GmailSettings settings;
  private final HttpTransport transport;
  private final JsonFactory json;

  GmailCalls(GmailSettings settings, HttpTransport transport, JsonFactory json) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.transport = Objects.requireNonNull(transport, "transport");
    this.json = Objects.requireNonNull(json, "json");
  }

  /** A session for one tool call: the principal's current token, checked for the permissions. */
  Session open(ToolContext context, GmailPermission... needed) {
    AccessToken token = context.accessToken(ProviderId.GMAIL);
    for (GmailPermission permission : needed) {
      permission.require(token);
    }
    return new Session(context, token);
  }

  /** One tool call's requests, sharing the principal's token (and its refresh after a 401). */
  final class Session {

    private final ToolContext context;
    private volatile AccessToken token;
    private final Gmail gmail;

    private Session(ToolContext context, AccessToken token) {
      this.context = context;
      this.token = token;
      this.gmail =
          new Gmail.Builder(
                  transport,
                  json,
                  request -> {
                    request.getHeaders().setAuthorization("Bearer " + this.token.reveal());
                    request.setConnectTimeout((int) settings.connectTimeout().toMillis());
                    request.setReadTimeout((int) settings.readTimeout().toMillis());
                  })
              .setRootUrl(settings.apiRoot().toString())
              .setApplicationName("nexus")
              .build();
    }

    /**
     * Runs one request.
     *
     * @param operation the Gmail method, for logs and messages (for example {@code messages.get})
     * @param target the id the request is about, or {@code -}; never personal content
     */
    <T> T execute(String operation, String target, Kind kind, RequestBuilder<T> builder) {
      boolean refreshed = false;
      int retries = 0;
      for (int attempt = 1; ; attempt++) {
        long started = System.nanoTime();
        try {
          T result = builder.build(gmail).execute();
          log(operation, target, attempt, "ok", started);
          return result;
        } catch (HttpResponseException e) {
          int status = e.getStatusCode();
          String reason = reason(e);
          if (status == 401 && !refreshed) {
            log(operation, target, attempt, "401 refreshing", started);
            refreshed = true;
            token = context.refreshRejected(ProviderId.GMAIL, token);
            continue;
          }
          Optional<Duration> wait = retryWait(e, status, reason, kind, retries);
          if (wait.isPresent()) {
            log(operation, target, attempt, status + " " + reason + " retrying", started);
            retries++;
            sleep(wait.get());
            continue;
          }
          fail(operation, target, attempt, status + " " + reason, started);
          throw failure(operation, target, kind, status, reason, e);
        } catch (IOException e) {
          boolean notSent = neverSent(e);
          if ((kind != Kind.WRITE || notSent) && retries < settings.maxRetries()) {
            log(operation, target, attempt, e.getClass().getSimpleName() + " retrying", started);
            sleep(backoff(retries));
            retries++;
            continue;
          }
          fail(operation, target, attempt, e.getClass().getSimpleName(), started);
          if (kind == Kind.WRITE && !notSent) {
            String what =
                e instanceof SocketTimeoutException
                    ? "Gmail did not answer "
                        + describe(operation)
                        + " within "
                        + seconds(settings.readTimeout())
                    : "The connection to Gmail broke during " + describe(operation);
            throw new OutcomeUnknownException(
                what + ", so it may or may not have happened; check Gmail before trying again.", e);
          }
          throw new RetriableException(
              "Gmail could not be reached for " + describe(operation) + "; try again later.",
              null,
              e);
        }
      }
    }

    private Optional<Duration> retryWait(
        HttpResponseException e, int status, String reason, Kind kind, int retries) {
      if (retries >= settings.maxRetries()) {
        return Optional.empty();
      }
      if (rateLimited(status, reason)) {
        // A refusal for rate is an answer that nothing happened: safe to repeat, even a send.
        Duration asked = retryAfter(e).orElse(backoff(retries));
        return asked.compareTo(settings.maxRetryWait()) > 0 ? Optional.empty() : Optional.of(asked);
      }
      if (status >= 500 && kind != Kind.WRITE) {
        Duration asked = retryAfter(e).orElse(backoff(retries));
        return Optional.of(min(asked, settings.maxRetryWait()));
      }
      return Optional.empty();
    }

    private RuntimeException failure(
        String operation,
        String target,
        Kind kind,
        int status,
        String reason,
        HttpResponseException e) {
      String what = describe(operation);
      if (status == 401) {
        return new ReconnectRequiredException(
            "Gmail rejected the connection again after a refresh; connect Gmail again.", e);
      }
      if (rateLimited(status, reason)) {
        return new RetriableException(
            "Gmail is limiting the rate of requests; try " + what + " again later.",
            retryAfter(e).orElse(null),
            e);
      }
      if (status == 403) {
        if ("insufficientPermissions".equals(reason)) {
          return new ReconnectRequiredException(
              "Gmail refused " + what + " for lack of permission; connect Gmail again.", e);
        }
        return new AccessDeniedException("Gmail refused permission for " + what + ".", e);
      }
      if (status == 404) {
        return new NotFoundException(
            "Gmail has no " + noun(operation) + " with id " + target + ".", e);
      }
      if (status >= 500) {
        if (kind == Kind.WRITE) {
          return new OutcomeUnknownException(
              "Gmail answered "
                  + what
                  + " with a server error ("
                  + status
                  + "), so it may or may not have happened; check Gmail before trying again.",
              e);
        }
        return new RetriableException(
            "Gmail is unavailable (HTTP " + status + "); try " + what + " again later.", null, e);
      }
      if (status == 400) {
        return new ProviderException("Gmail rejected " + what + " as invalid (" + reason + ").", e);
      }
      return new ProviderException("Gmail refused " + what + " (HTTP " + status + ").", e);
    }

    private Duration backoff(int retries) {
      Duration wait = settings.initialBackoff().multipliedBy(1L << Math.min(retries, 16));
      return min(wait, settings.maxRetryWait());
    }

    private Optional<Duration> retryAfter(HttpResponseException e) {
      String value = e.getHeaders() == null ? null : e.getHeaders().getRetryAfter();
      if (value == null || value.isBlank()) {
        return Optional.empty();
      }
      try {
        return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim()))));
      } catch (NumberFormatException notSeconds) {
        try {
          Instant at =
              ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
          Duration wait = Duration.between(context.clock().instant(), at);
          return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException notADate) {
          return Optional.empty();
        }
      }
    }
  }

  private static boolean rateLimited(int status, String reason) {
    return status == 429
        || (status == 403
            && ("rateLimitExceeded".equals(reason) || "userRateLimitExceeded".equals(reason)));
  }

  /** Failures that happen before any byte of the request left. */
  private static boolean neverSent(IOException e) {
    return e instanceof ConnectException
        || e instanceof UnknownHostException
        || e instanceof ConnectTimeoutException;
  }

  /**
   * Gmail's reason for an error answer (such as {@code backendError}) or the OAuth error code of a
   * token answer (such as {@code invalid_grant}), else {@code httpNNN}.
   */
  static String reason(HttpResponseException e) {
    if (e instanceof TokenResponseException token
        && token.getDetails() != null
        && token.getDetails().getError() != null) {
      return token.getDetails().getError();
    }
    if (e instanceof GoogleJsonResponseException json) {
      GoogleJsonError details = json.getDetails();
      if (details != null) {
        List<GoogleJsonError.ErrorInfo> errors = details.getErrors();
        if (errors != null && !errors.isEmpty() && errors.get(0).getReason() != null) {
          return errors.get(0).getReason();
        }
        Object status = details.get("status");
        if (status instanceof String text) {
          return text;
        }
      }
    }
    return "http" + e.getStatusCode();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static void sleep(Duration wait) {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableException("the Gmail call was interrupted while waiting to retry");
    }
  }

  private static String describe(String operation) {
    return switch (operation) {
      case "messages.list" -> "the mail search";
      case "messages.get" -> "reading the message";
      case "messages.send" -> "the send";
      case "drafts.create" -> "creating the draft";
      case "messages.modify" -> "changing the message's labels";
      case "messages.trash" -> "moving the message to the trash";
      case "users.getProfile" -> "reading the account profile";
      default -> operation;
    };
  }

  /** A timeout as people read it: {@code 2 seconds}, {@code 1 second}, {@code 1.5 seconds}. */
  private static String seconds(Duration timeout) {
    long millis = timeout.toMillis();
    if (millis % 1000 != 0) {
      return String.format(Locale.ROOT, "%.1f seconds", millis / 1000.0);
    }
    return millis == 1000 ? "1 second" : (millis / 1000) + " seconds";
  }

  private static String noun(String operation) {
    return operation.startsWith("drafts.") ? "draft" : "message";
  }

  private static void log(String operation, String target, int attempt, String outcome, long t0) {
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "gmail {} target={} attempt={} outcome={} tookMs={}",
          operation,
          target,
          attempt,
          outcome,
          (System.nanoTime() - t0) / 1_000_000);
    }
  }

  /** The last request of a failed call; the tool logs the failure itself, once, at WARN. */
  private static void fail(String operation, String target, int attempt, String outcome, long t0) {
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "gmail {} target={} failed attempt={} outcome={} tookMs={}",
          operation,
          target,
          attempt,
          outcome,
          (System.nanoTime() - t0) / 1_000_000);
    }
  }
}
