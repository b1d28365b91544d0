package dev.nexus.connectors.gmail;

import dev.nexus.core.error.ConfigurationException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How the Gmail tools reach Gmail and what they hand the model.
 *
 * @param apiRoot the Gmail API root (requests go to {@code {apiRoot}gmail/v1/users/me/...})
 * @param oauth Google's OAuth endpoints and the OAuth client
 * @param maxBodyChars the longest message body passed to the model; longer bodies are cut with a
 *     note
 * @param maxRetries how many times a failed call is tried again when that is safe (rate limits,
 *     server errors and dropped connections of reads)
 * @param initialBackoff the wait before the first retry after a server error; it doubles per retry
 * @param maxRetryWait the longest single wait; a {@code Retry-After} asking for more is not waited
 *     for, the call fails at once as retriable
 * @param connectTimeout the timeout to open a connection to Gmail
 * @param readTimeout the timeout to wait for Gmail's answer
 */
public record GmailSettings(
    URI apiRoot,
    GoogleOAuthSettings oauth,
    int maxBodyChars,
    int maxRetries,
    Duration initialBackoff,
    Duration maxRetryWait,
    Duration connectTimeout,
    Duration readTimeout) {

  /** Gmail's public API root. */
  public static final URI GOOGLE_API_ROOT = URI.create("https://gmail.googleapis.com/");

  /** The body length passed to the model when none is configured. */
  public static final int DEFAULT_MAX_BODY_CHARS = 8_000;

  public GmailSettings {
    apiRoot = GoogleOAuthSettings.withTrailingSlash(Objects.requireNonNull(apiRoot, "apiRoot"));
    Objects.requireNonNull(oauth, "oauth");
    if (maxBodyChars < 100 || maxBodyChars > 1_000_000) {
      throw new ConfigurationException("Gmail maxBodyChars must be between 100 and 1000000");
    }
    if (maxRetries < 0 || maxRetries > 10) {
      throw new ConfigurationException("Gmail maxRetries must be between 0 and 10");
    }
    requirePositive(initialBackoff, "initialBackoff");
    requirePositive(maxRetryWait, "maxRetryWait");
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(readTimeout, "readTimeout");
  }

  /**
   * Google's API root and defaults: bodies up to 8,000 characters, 2 retries starting at 500 ms,
   * waits of at most 10 seconds, 10 seconds to connect and 30 seconds to read.
   */
  public static GmailSettings defaults(GoogleOAuthSettings oauth) {
    return new GmailSettings(
        GOOGLE_API_ROOT,
        oauth,
        DEFAULT_MAX_BODY_CHARS,
        2,
        Duration.ofMillis(500),
        Duration.ofSeconds(10),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30));
  }

  /** A copy calling Gmail at {@code apiRoot}. */
  public GmailSettings withApiRoot(URI apiRoot) {
    return new GmailSettings(
        apiRoot,
        oauth,
        maxBodyChars,
        maxRetries,
        initialBackoff,
        maxRetryWait,
        connectTimeout,
        readTimeout);
  }

  /** A copy with another body limit. */
  public GmailSettings withMaxBodyChars(int maxBodyChars) {
    return new GmailSettings(
        apiRoot,
        oauth,
        maxBodyChars,
        maxRetries,
        initialBackoff,
        maxRetryWait,
        connectTimeout,
        readTimeout);
  }

  /** A copy with another retry policy. */
  public GmailSettings withRetries(int maxRetries, Duration initialBackoff, Duration maxRetryWait) {
    return new GmailSettings(
        apiRoot,
        oauth,
        maxBodyChars,
        maxRetries,
        initialBackoff,
        maxRetryWait,
        connectTimeout,
        readTimeout);
  }

  /** A copy with other timeouts. */
  public GmailSettings withTimeouts(Duration connectTimeout, Duration readTimeout) {
    return new GmailSettings(
        apiRoot,
        oauth,
        maxBodyChars,
        maxRetries,
        initialBackoff,
        maxRetryWait,
        connectTimeout,
        readTimeout);
  }

  private static void requirePositive(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative() || duration.isZero()) {
      throw new ConfigurationException("Gmail " + name + " must be positive");
    }
  }
}
