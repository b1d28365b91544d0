package dev.nexus.connectors.notion;

import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.vault.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How the Notion connector reaches Notion: the API base URL and version, the OAuth endpoints and
 * client credentials, an optional default parent page for new pages, how much text the model
 * receives, and the retry and timeout limits. Prints without its client secret.
 *
 * @param apiBaseUrl the API root ending in {@code /v1/}
 * @param notionVersion the value of the {@code Notion-Version} header
 * @param authorizationEndpoint Notion's consent page ({@code /v1/oauth/authorize})
 * @param tokenEndpoint the code exchange and refresh endpoint ({@code /v1/oauth/token})
 * @param revocationEndpoint the token revocation endpoint ({@code /v1/oauth/revoke})
 * @param clientId the public integration's OAuth client id
 * @param clientSecret the public integration's OAuth client secret
 * @param usePkce whether to send a PKCE S256 challenge and verifier (Notion ignores them)
 * @param defaultParentPageId where {@code notion_create_page} puts pages when the call names no
 *     parent; null when there is none
 * @param maxOutputChars the most characters of text one tool result carries
 * @param maxBlockDepth how deep nested blocks are read (1 reads only the page's own blocks)
 * @param maxAttempts attempts per request for failures that may pass (429, 5xx, a dropped read)
 * @param initialBackoff the wait before the second attempt; it doubles for each further one
 * @param maxRetryWait the longest single wait; a longer {@code Retry-After} fails at once
 * @param callTimeout the longest one HTTP call may take, connection and body included
 */
public record NotionSettings(
    URI apiBaseUrl,
    String notionVersion,
    URI authorizationEndpoint,
    URI tokenEndpoint,
    URI revocationEndpoint,
    String clientId,
    Secret clientSecret,
    boolean usePkce,
    String defaultParentPageId,
    int maxOutputChars,
    int maxBlockDepth,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxRetryWait,
    Duration callTimeout) {

  /** Notion's public API root. */
  public static final URI NOTION_API = URI.create("https://api.notion.com/v1/");

  /** The API version this connector speaks. */
  public static final String NOTION_VERSION = "2025-09-03";

  public NotionSettings {
    Objects.requireNonNull(apiBaseUrl, "apiBaseUrl");
    Objects.requireNonNull(notionVersion, "notionVersion");
    Objects.requireNonNull(authorizationEndpoint, "authorizationEndpoint");
    Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
    Objects.requireNonNull(revocationEndpoint, "revocationEndpoint");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(clientSecret, "clientSecret");
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxRetryWait, "maxRetryWait");
    Objects.requireNonNull(callTimeout, "callTimeout");
    if (!apiBaseUrl.toString().endsWith("/")) {
      throw new ConfigurationException("notion apiBaseUrl must end with /");
    }
    if (clientId.isBlank()) {
      throw new ConfigurationException("notion clientId must not be blank");
    }
    if (defaultParentPageId != null) {
      defaultParentPageId = NotionIds.normalize(defaultParentPageId, "defaultParentPageId");
    }
    if (maxOutputChars < 500) {
      throw new ConfigurationException("notion maxOutputChars must be at least 500");
    }
    if (maxBlockDepth < 1 || maxBlockDepth > 10) {
      throw new ConfigurationException("notion maxBlockDepth must be between 1 and 10");
    }
    if (maxAttempts < 1 || maxAttempts > 10) {
      throw new ConfigurationException("notion maxAttempts must be between 1 and 10");
    }
    if (initialBackoff.isNegative() || maxRetryWait.isNegative() || callTimeout.isNegative()) {
      throw new ConfigurationException("notion waits and timeouts must not be negative");
    }
  }

  /**
   * Settings for the real Notion API with sensible defaults: 20,000 characters per result, blocks
   * read three levels deep, 3 attempts, 500 ms first backoff, waits capped at 30 s, 30 s per call.
   */
  public static NotionSettings forNotion(String clientId, Secret clientSecret) {
    return atBase(URI.create("https://api.notion.com/"), clientId, clientSecret);
  }

  /**
   * The same defaults against a Notion-compatible server at {@code base} (for example a fake on
   * loopback): the API under {@code base/v1/} and OAuth under {@code base/v1/oauth/}.
   */
  public static NotionSettings atBase(URI base, String clientId, Secret clientSecret) {
    Objects.requireNonNull(base, "base");
    String root = base.toString().endsWith("/") ? base.toString() : base + "/";
    return new NotionSettings(
        URI.create(root + "v1/"),
        NOTION_VERSION,
        URI.create(root + "v1/oauth/authorize"),
        URI.create(root + "v1/oauth/token"),
        URI.create(root + "v1/oauth/revoke"),
        clientId,
        clientSecret,
        true,
        null,
        20_000,
        3,
        3,
        Duration.ofMillis(500),
        Duration.ofSeconds(30),
        Duration.ofSeconds(30));
  }

  /** A copy with a default parent page for new pages (null for none). */
  public NotionSettings withDefaultParentPageId(String pageId) {
    return new NotionSettings(
        apiBaseUrl,
        notionVersion,
        authorizationEndpoint,
        tokenEndpoint,
        revocationEndpoint,
        clientId,
        clientSecret,
        usePkce,
        pageId,
        maxOutputChars,
        maxBlockDepth,
        maxAttempts,
        initialBackoff,
        maxRetryWait,
        callTimeout);
  }

  /** A copy with another cap on the characters of one tool result. */
  public NotionSettings withMaxOutputChars(int chars) {
    return new NotionSettings(
        apiBaseUrl,
        notionVersion,
        authorizationEndpoint,
        tokenEndpoint,
        revocationEndpoint,
        clientId,
        clientSecret,
        usePkce,
        defaultParentPageId,
        chars,
        maxBlockDepth,
        maxAttempts,
        initialBackoff,
        maxRetryWait,
        callTimeout);
  }

  /** A copy with other retry limits. */
  public NotionSettings withRetries(int attempts, Duration firstBackoff, Duration longestWait) {
    return new NotionSettings(
        apiBaseUrl,
        notionVersion,
        authorizationEndpoint,
        tokenEndpoint,
        revocationEndpoint,
        clientId,
        clientSecret,
        usePkce,
        defaultParentPageId,
        maxOutputChars,
        maxBlockDepth,
        attempts,
        firstBackoff,
        longestWait,
        callTimeout);
  }

  /** A copy with another per-call timeout. */
  public NotionSettings withCallTimeout(Duration timeout) {
    return new NotionSettings(
        apiBaseUrl,
        notionVersion,
        authorizationEndpoint,
        tokenEndpoint,
        revocationEndpoint,
        clientId,
        clientSecret,
        usePkce,
        defaultParentPageId,
        maxOutputChars,
        maxBlockDepth,
        maxAttempts,
        initialBackoff,
        maxRetryWait,
        timeout);
  }

  /** A copy that reads nested blocks down to {@code depth} levels. */
  public NotionSettings withMaxBlockDepth(int depth) {
    return new NotionSettings(
        apiBaseUrl,
        notionVersion,
        authorizationEndpoint,
        tokenEndpoint,
        revocationEndpoint,
        clientId,
        clientSecret,
        usePkce,
        defaultParentPageId,
        maxOutputChars,
        depth,
        maxAttempts,
        initialBackoff,
        maxRetryWait,
        callTimeout);
  }

  /** A copy that sends, or does not send, a PKCE challenge and verifier. */
  public NotionSettings withPkce(boolean pkce) {
    return new NotionSettings(
        apiBaseUrl,
        notionVersion,
        authorizationEndpoint,
        tokenEndpoint,
        revocationEndpoint,
        clientId,
        clientSecret,
        pkce,
        defaultParentPageId,
        maxOutputChars,
        maxBlockDepth,
        maxAttempts,
        initialBackoff,
        maxRetryWait,
        callTimeout);
  }
}
