package dev.nexus.connectors.gmail;

import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.vault.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How Nexus talks to Google's OAuth 2.0 endpoints: the OAuth client registered at Google, the
 * consent, token and revocation endpoints, and the timeout of each token call. {@link
 * #google(String, Secret)} gives Google's real endpoints; {@link #withEndpointsAt(URI)} moves all
 * three under one base URL (as a fake serves them). Prints without its secret.
 */
public record GoogleOAuthSettings(
    String clientId,
    Secret clientSecret,
    URI authorizationEndpoint,
    URI tokenEndpoint,
    URI revocationEndpoint,
    Duration timeout) {

  /** Google's consent page. */
  public static final URI GOOGLE_AUTHORIZATION_ENDPOINT =
      URI.create("https://accounts.google.com/o/oauth2/v2/auth");

  /** Google's token endpoint (code exchange and refresh). */
  public static final URI GOOGLE_TOKEN_ENDPOINT = URI.create("https://oauth2.googleapis.com/token");

  /** Google's token revocation endpoint. */
  public static final URI GOOGLE_REVOCATION_ENDPOINT =
      URI.create("https://oauth2.googleapis.com/revoke");

  /** The timeout of one token call when none is given. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  public GoogleOAuthSettings {
    if (clientId == null || clientId.isBlank()) {
      throw new ConfigurationException("the Google OAuth client id must be set");
    }
    Objects.requireNonNull(clientSecret, "clientSecret");
    Objects.requireNonNull(authorizationEndpoint, "authorizationEndpoint");
    Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
    Objects.requireNonNull(revocationEndpoint, "revocationEndpoint");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new ConfigurationException("the Google OAuth timeout must be positive");
    }
  }

  /** Google's real endpoints for the OAuth client {@code clientId}. */
  public static GoogleOAuthSettings google(String clientId, Secret clientSecret) {
    return new GoogleOAuthSettings(
        clientId,
        clientSecret,
        GOOGLE_AUTHORIZATION_ENDPOINT,
        GOOGLE_TOKEN_ENDPOINT,
        GOOGLE_REVOCATION_ENDPOINT,
        DEFAULT_TIMEOUT);
  }

  /**
   * A copy whose endpoints sit under {@code base} at Google's paths: {@code o/oauth2/v2/auth},
   * {@code token} and {@code revoke}.
   */
  public GoogleOAuthSettings withEndpointsAt(URI base) {
    URI root = withTrailingSlash(base);
    return new GoogleOAuthSettings(
        clientId,
        clientSecret,
        root.resolve("o/oauth2/v2/auth"),
        root.resolve("token"),
        root.resolve("revoke"),
        timeout);
  }

  /** A copy with another timeout per token call. */
  public GoogleOAuthSettings withTimeout(Duration timeout) {
    return new GoogleOAuthSettings(
        clientId, clientSecret, authorizationEndpoint, tokenEndpoint, revocationEndpoint, timeout);
  }

  static URI withTrailingSlash(URI uri) {
    Objects.requireNonNull(uri, "uri");
    String text = uri.toString();
    return text.endsWith("/") ? uri : URI.create(text + "/");
  }

  @Override
  public String toString() {
    return "GoogleOAuthSettings[clientId="
        + clientId
        + ", authorizationEndpoint="
        + authorizationEndpoint
        + ", tokenEndpoint="
        + tokenEndpoint
        + ", revocationEndpoint="
        + revocationEndpoint
        + ", clientSecret=redacted]";
  }
}
