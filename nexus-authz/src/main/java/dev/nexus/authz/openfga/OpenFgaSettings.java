package dev.nexus.authz.openfga;

import dev.nexus.core.error.ConfigurationException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how {@link OpenFgaAuthorizer} reaches OpenFGA.
 *
 * @param apiUrl the server, for example {@code http://localhost:8080} or {@code
 *     https://api.us1.fga.dev}
 * @param storeId the store holding the Nexus tuples
 * @param authorizationModelId the model to evaluate with, or null for the store's latest (pin it in
 *     production: OpenFGA then skips a lookup per request)
 * @param credentials how to authenticate
 * @param maxRetries how often the SDK retries 429 and 5xx answers (0 to 15)
 * @param minimumRetryDelay the SDK's first back-off (at least 1 ms)
 * @param requestTimeout how long one HTTP request may take
 * @param checkCacheTtl how long a check answer is reused; {@link Duration#ZERO} (the default) turns
 *     the cache off
 */
public record OpenFgaSettings(
    String apiUrl,
    String storeId,
    String authorizationModelId,
    OpenFgaCredentials credentials,
    int maxRetries,
    Duration minimumRetryDelay,
    Duration requestTimeout,
    Duration checkCacheTtl) {

  public OpenFgaSettings {
    Objects.requireNonNull(apiUrl, "apiUrl");
    Objects.requireNonNull(storeId, "storeId");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(minimumRetryDelay, "minimumRetryDelay");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(checkCacheTtl, "checkCacheTtl");
    if (!apiUrl.startsWith("http://") && !apiUrl.startsWith("https://")) {
      throw new ConfigurationException("the OpenFGA API URL must start with http:// or https://");
    }
    if (storeId.isBlank()) {
      throw new ConfigurationException("the OpenFGA store id must not be blank");
    }
    if (authorizationModelId != null && authorizationModelId.isBlank()) {
      authorizationModelId = null;
    }
    if (maxRetries < 0 || maxRetries > 15) {
      throw new ConfigurationException("OpenFGA max retries must be between 0 and 15");
    }
    if (minimumRetryDelay.toMillis() < 1) {
      throw new ConfigurationException("the OpenFGA minimum retry delay must be at least 1 ms");
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new ConfigurationException("the OpenFGA request timeout must be positive");
    }
    if (checkCacheTtl.isNegative() || checkCacheTtl.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new ConfigurationException("the OpenFGA check cache TTL must be 0 to 5 minutes");
    }
  }

  /**
   * Settings with the defaults: latest model, 3 retries from 100 ms, 10-second requests, no check
   * cache.
   */
  public static OpenFgaSettings of(String apiUrl, String storeId, OpenFgaCredentials credentials) {
    return new OpenFgaSettings(
        apiUrl,
        storeId,
        null,
        credentials,
        3,
        Duration.ofMillis(100),
        Duration.ofSeconds(10),
        Duration.ZERO);
  }

  public OpenFgaSettings withAuthorizationModelId(String id) {
    return new OpenFgaSettings(
        apiUrl,
        storeId,
        id,
        credentials,
        maxRetries,
        minimumRetryDelay,
        requestTimeout,
        checkCacheTtl);
  }

  public OpenFgaSettings withRetries(int maxRetries, Duration minimumRetryDelay) {
    return new OpenFgaSettings(
        apiUrl,
        storeId,
        authorizationModelId,
        credentials,
        maxRetries,
        minimumRetryDelay,
        requestTimeout,
        checkCacheTtl);
  }

  public OpenFgaSettings withRequestTimeout(Duration requestTimeout) {
    return new OpenFgaSettings(
        apiUrl,
        storeId,
        authorizationModelId,
        credentials,
        maxRetries,
        minimumRetryDelay,
        requestTimeout,
        checkCacheTtl);
  }

  public OpenFgaSettings withCheckCache(Duration ttl) {
    return new OpenFgaSettings(
        apiUrl,
        storeId,
        authorizationModelId,
        credentials,
        maxRetries,
        minimumRetryDelay,
        requestTimeout,
        ttl);
  }

  /** The pinned model id, or empty for the store's latest. */
  public Optional<String> modelId() {
    return Optional.ofNullable(authorizationModelId);
  }
}
