package dev.nexus.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nexus.core.error.AuthenticationException;
import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.error.ProviderException;
import dev.nexus.core.error.ReconnectRequiredException;
import dev.nexus.core.error.RetriableException;
import dev.nexus.core.vault.AccessToken;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.core.vault.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access tokens for a user's connected account from Auth0's Token Vault, as an alternative to
 * storing grants in {@link JdbiTokenVault}: the user's Auth0 refresh or access token is exchanged
 * at {@code POST /oauth/token} with the federated-connection token-exchange grant for the access
 * token of one connection (for example {@code google-oauth2}). Auth0 keeps and refreshes the
 * provider's tokens; Nexus stores nothing.
 *
 * <p>Errors: a connection the user never linked (or whose link expired) is a {@link
 * ReconnectRequiredException}; a refused subject token is an {@link AuthenticationException};
 * refused client credentials are a {@link ConfigurationException}; 429, 5xx and network failures
 * are {@link RetriableException}s; any other refusal is a {@link ProviderException}.
 *
 * <p>Limitations: no caching; every call is one request to Auth0.
 */
public final class Auth0TokenVaultGrantSource {

  /** The grant type of the exchange. */
  public static final String GRANT_TYPE =
      "urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token";

  /** The requested token type of the exchange. */
  public static final String REQUESTED_TOKEN_TYPE =
      "http://auth0.com/oauth/token-type/federated-connection-access-token";

  /** Which of the user's Auth0 tokens is exchanged. */
  public enum SubjectTokenType {
    REFRESH_TOKEN("urn:ietf:params:oauth:token-type:refresh_token"),
    ACCESS_TOKEN("urn:ietf:params:oauth:token-type:access_token");

    private final String urn;

    SubjectTokenType(String urn) {
      this.urn = urn;
    }

    public String urn() {
      return urn;
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(Auth0TokenVaultGrantSource.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI tokenEndpoint;
  private final String clientId;
  private final Secret clientSecret;
  private final Map<ProviderId, String> connections;
  private final Duration timeout;
  private final Clock clock;
  private final HttpClient http;

  private Auth0TokenVaultGrantSource(Builder builder) {
    String base = builder.domain.toString();
    this.tokenEndpoint =
        URI.create(base.endsWith("/") ? base + "oauth/token" : base + "/oauth/token");
    this.clientId = builder.clientId;
    this.clientSecret = builder.clientSecret;
    this.connections = Map.copyOf(builder.connections);
    this.timeout = builder.timeout;
    this.clock = builder.clock;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /**
   * A builder for the tenant at {@code domain} (for example {@code https://acme.eu.auth0.com}),
   * authenticating as a confidential client with the Token Vault grant enabled.
   */
  public static Builder builder(URI domain, String clientId, Secret clientSecret) {
    return new Builder(domain, clientId, clientSecret);
  }

  /** The access token of {@code provider}'s connection, exchanged for the user's Auth0 token. */
  public AccessToken accessToken(ProviderId provider, Secret subjectToken, SubjectTokenType type) {
    Objects.requireNonNull(provider, "provider");
    String connection = connections.get(provider);
    if (connection == null) {
      throw new ConfigurationException(
          "no Auth0 connection is configured for provider " + provider);
    }
    return exchange(connection, subjectToken, type, null);
  }

  /**
   * Exchanges {@code subjectToken} for the access token of {@code connection}; {@code loginHint}
   * (may be null) picks one of several linked accounts.
   */
  public AccessToken exchange(
      String connection, Secret subjectToken, SubjectTokenType type, String loginHint) {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(subjectToken, "subjectToken");
    Objects.requireNonNull(type, "type");
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", GRANT_TYPE);
    form.put("client_id", clientId);
    form.put("client_secret", clientSecret.reveal());
    form.put("subject_token", subjectToken.reveal());
    form.put("subject_token_type", type.urn());
    form.put("requested_token_type", REQUESTED_TOKEN_TYPE);
    form.put("connection", connection);
    if (loginHint != null) {
      form.put("login_hint", loginHint);
    }
    HttpRequest request =
        HttpRequest.newBuilder(tokenEndpoint)
            .timeout(timeout)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(encode(form)))
            .build();
    long started = System.nanoTime();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      LOG.debug("auth0 token-exchange connection={} outcome=io-error", connection);
      throw new RetriableException("Auth0 could not be reached for the token exchange", null, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableException("interrupted during the Auth0 token exchange", null, e);
    }
    LOG.debug(
        "auth0 token-exchange connection={} status={} durationMs={}",
        connection,
        response.statusCode(),
        (System.nanoTime() - started) / 1_000_000);
    return answer(connection, response);
  }

  private AccessToken answer(String connection, HttpResponse<String> response) {
    int status = response.statusCode();
    JsonNode body = parse(response.body());
    if (status == 200) {
      String token = body == null ? "" : body.path("access_token").asText("");
      if (token.isEmpty()) {
        throw new ProviderException("Auth0 answered the token exchange without an access token");
      }
      long expiresIn = body.path("expires_in").asLong(0);
      Set<String> scopes =
          Arrays.stream(body.path("scope").asText("").split(" "))
              .filter(scope -> !scope.isBlank())
              .collect(Collectors.toSet());
      Instant expiresAt = expiresIn > 0 ? clock.instant().plusSeconds(expiresIn) : null;
      return new AccessToken(Secret.of(token), scopes, expiresAt);
    }
    String error = body == null ? "" : body.path("error").asText("");
    if (status == 429) {
      throw new RetriableException(
          "Auth0 rate-limited the token exchange", retryAfter(response), null);
    }
    if (status >= 500) {
      throw new RetriableException(
          "Auth0 failed the token exchange with status " + status, retryAfter(response), null);
    }
    if (error.startsWith("federated_connection_")) {
      throw new ReconnectRequiredException(
          "the account of connection "
              + connection
              + " is not linked in Auth0 or its link expired; connect it again");
    }
    if (error.equals("access_denied") || error.equals("unauthorized_client")) {
      throw new ConfigurationException(
          "Auth0 refused the Nexus client "
              + clientId
              + " for the Token Vault exchange ("
              + error
              + ")");
    }
    if (error.equals("invalid_grant")) {
      throw new AuthenticationException(
          "Auth0 refused the user's token for the Token Vault exchange; sign in again");
    }
    throw new ProviderException(
        "Auth0 refused the token exchange with status "
            + status
            + (error.isEmpty() ? "" : " (" + error + ")"));
  }

  private static Duration retryAfter(HttpResponse<String> response) {
    return response
        .headers()
        .firstValue("Retry-After")
        .map(
            value -> {
              try {
                return Duration.ofSeconds(Long.parseLong(value.trim()));
              } catch (NumberFormatException e) {
                return null;
              }
            })
        .orElse(null);
  }

  private static JsonNode parse(String body) {
    try {
      return body == null || body.isBlank() ? null : JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  private static String encode(Map<String, String> form) {
    return form.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  @Override
  public String toString() {
    return "Auth0TokenVaultGrantSource[endpoint="
        + tokenEndpoint
        + ", clientId="
        + clientId
        + ", clientSecret=redacted]";
  }

  /** Builds an {@link Auth0TokenVaultGrantSource}. */
  public static final class Builder {
    private final URI domain;
    private final String clientId;
    private final Secret clientSecret;
    private final Map<ProviderId, String> connections = new HashMap<>();
    private Duration timeout = Duration.ofSeconds(10);
    private Clock clock = Clock.systemUTC();

    private Builder(URI domain, String clientId, Secret clientSecret) {
      this.domain = Objects.requireNonNull(domain, "domain");
      this.clientId = Objects.requireNonNull(clientId, "clientId");
      this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
      connections.put(ProviderId.GMAIL, "google-oauth2");
    }

    /**
     * Maps a provider to its Auth0 connection name ({@code gmail} maps to {@code google-oauth2}
     * unless changed here).
     */
    public Builder connection(ProviderId provider, String connection) {
      connections.put(
          Objects.requireNonNull(provider, "provider"),
          Objects.requireNonNull(connection, "connection"));
      return this;
    }

    /** The connect and request timeout of one exchange (default 10 seconds). */
    public Builder timeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new ConfigurationException("the Auth0 exchange timeout must be positive");
      }
      this.timeout = timeout;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Auth0TokenVaultGrantSource build() {
      return new Auth0TokenVaultGrantSource(this);
    }
  }
}
