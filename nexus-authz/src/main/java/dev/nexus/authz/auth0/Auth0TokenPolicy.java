package dev.nexus.authz.auth0;

import dev.nexus.core.error.ConfigurationException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link Auth0Authenticator} accepts: the tenant's issuer, the API audience, where the signing
 * keys are published, the clock leeway, where the role is read from and the largest token it looks
 * at.
 *
 * @param issuer the exact {@code iss} value, {@code https://TENANT/} with its trailing slash
 * @param audience the API identifier that must be one of the token's {@code aud} values
 * @param jwksUri the tenant's key set, normally {@code <issuer>.well-known/jwks.json}
 * @param leeway how far {@code exp}, {@code nbf} and {@code iat} may be off; 0 to 5 minutes
 * @param roleClaim a namespaced claim carrying the role for organization logins, or null to ask the
 *     authorization model
 * @param maxTokenLength the longest token, in characters, that is parsed at all
 */
public record Auth0TokenPolicy(
    String issuer,
    String audience,
    URI jwksUri,
    Duration leeway,
    String roleClaim,
    int maxTokenLength) {

  /** The default leeway for clock skew between Auth0 and this host. */
  public static final Duration DEFAULT_LEEWAY = Duration.ofSeconds(30);

  /** The default longest token: 8 KiB, far above any Auth0 access token. */
  public static final int DEFAULT_MAX_TOKEN_LENGTH = 8 * 1024;

  public Auth0TokenPolicy {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(jwksUri, "jwksUri");
    Objects.requireNonNull(leeway, "leeway");
    if (issuer.isBlank() || audience.isBlank()) {
      throw new ConfigurationException("auth0 issuer and audience must not be blank");
    }
    if (leeway.isNegative() || leeway.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new ConfigurationException("auth0 token leeway must be between 0 and 5 minutes");
    }
    if (roleClaim != null && !roleClaim.contains("/")) {
      throw new ConfigurationException(
          "auth0 role claim must be namespaced, for example https://nexus.example/role");
    }
    if (maxTokenLength < 256 || maxTokenLength > 64 * 1024) {
      throw new ConfigurationException("auth0 max token length must be 256 to 65536 characters");
    }
  }

  /**
   * The policy for a tenant base URL such as {@code https://acme.eu.auth0.com}: issuer with a
   * trailing slash, keys at {@code /.well-known/jwks.json}, default leeway and size, roles from the
   * authorization model.
   */
  public static Auth0TokenPolicy forTenant(String tenantUrl, String audience) {
    Objects.requireNonNull(tenantUrl, "tenantUrl");
    String issuer = tenantUrl.endsWith("/") ? tenantUrl : tenantUrl + "/";
    URI jwks;
    try {
      jwks = URI.create(issuer + ".well-known/jwks.json");
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("auth0 tenant url is not a valid URL", e);
    }
    return new Auth0TokenPolicy(
        issuer, audience, jwks, DEFAULT_LEEWAY, null, DEFAULT_MAX_TOKEN_LENGTH);
  }

  /** This policy with another leeway. */
  public Auth0TokenPolicy withLeeway(Duration leeway) {
    return new Auth0TokenPolicy(issuer, audience, jwksUri, leeway, roleClaim, maxTokenLength);
  }

  /** This policy reading the role of organization logins from a namespaced claim. */
  public Auth0TokenPolicy withRoleClaim(String roleClaim) {
    return new Auth0TokenPolicy(issuer, audience, jwksUri, leeway, roleClaim, maxTokenLength);
  }

  /** This policy with another size limit. */
  public Auth0TokenPolicy withMaxTokenLength(int maxTokenLength) {
    return new Auth0TokenPolicy(issuer, audience, jwksUri, leeway, roleClaim, maxTokenLength);
  }

  /** The namespaced role claim, or empty when roles come from the authorization model. */
  public Optional<String> roleClaimName() {
    return Optional.ofNullable(roleClaim);
  }
}
