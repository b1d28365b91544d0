package dev.nexus.authz.openfga;

import dev.nexus.core.error.ConfigurationException;
import java.util.Objects;

/**
 * How {@link OpenFgaAuthorizer} authenticates to OpenFGA: not at all (a local server), with a
 * pre-shared API token, or with OAuth client credentials (Auth0 FGA). Secrets never print.
 */
public sealed interface OpenFgaCredentials {

  /** No credentials, for an OpenFGA server without authentication. */
  record None() implements OpenFgaCredentials {}

  /** A pre-shared key sent as a bearer token. */
  final class ApiToken implements OpenFgaCredentials {
    private final String token;

    public ApiToken(String token) {
      Objects.requireNonNull(token, "token");
      if (token.isBlank()) {
        throw new ConfigurationException("the OpenFGA API token must not be blank");
      }
      this.token = token;
    }

    /** The token. Never log what this returns. */
    public String revealToken() {
      return token;
    }

    @Override
    public String toString() {
      return "ApiToken[redacted]";
    }
  }

  /**
   * OAuth client credentials, exchanged at {@code tokenIssuer} for tokens of {@code audience}; for
   * Auth0 FGA the issuer is {@code auth.fga.dev} and the audience {@code https://api.us1.fga.dev/}.
   */
  final class ClientCredentials implements OpenFgaCredentials {
    private final String tokenIssuer;
    private final String audience;
    private final String clientId;
    private final String clientSecret;

    public ClientCredentials(
        String tokenIssuer, String audience, String clientId, String clientSecret) {
      this.tokenIssuer = Objects.requireNonNull(tokenIssuer, "tokenIssuer");
      this.audience = Objects.requireNonNull(audience, "audience");
      this.clientId = Objects.requireNonNull(clientId, "clientId");
      this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
      if (tokenIssuer.isBlank() || clientId.isBlank() || clientSecret.isBlank()) {
        throw new ConfigurationException(
            "OpenFGA client credentials need a token issuer, a client id and a client secret");
      }
    }

    public String tokenIssuer() {
      return tokenIssuer;
    }

    public String audience() {
      return audience;
    }

    public String clientId() {
      return clientId;
    }

    /** The client secret. Never log what this returns. */
    public String revealClientSecret() {
      return clientSecret;
    }

    @Override
    public String toString() {
      return "ClientCredentials[issuer=" + tokenIssuer + ", clientId=" + clientId + ", redacted]";
    }
  }
}
