package dev.nexus.core.vault;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A user's OAuth grant for one provider: the tokens, when the access token expires (null when it
 * does not), the scopes granted, a display label for the account (an email address or a workspace
 * name; may be null), and its status. Prints without its tokens.
 */
public record OAuthGrant(
    GrantKey key,
    Secret accessToken,
    Secret refreshToken,
    Instant expiresAt,
    Set<String> scopes,
    String accountLabel,
    GrantStatus status,
    Instant updatedAt) {

  public OAuthGrant {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(accessToken, "accessToken");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(updatedAt, "updatedAt");
    scopes = Set.copyOf(scopes);
  }

  /** A new, active grant from freshly issued tokens. */
  public static OAuthGrant issued(GrantKey key, IssuedTokens tokens, Instant now) {
    return new OAuthGrant(
        key,
        tokens.accessToken(),
        tokens.refreshToken(),
        tokens.expiresAt(),
        tokens.scopes(),
        tokens.accountLabel(),
        GrantStatus.ACTIVE,
        now);
  }

  public Optional<Secret> optionalRefreshToken() {
    return Optional.ofNullable(refreshToken);
  }

  /** Whether the access token expires within {@code skew} of {@code now}. */
  public boolean expiresWithin(java.time.Duration skew, Instant now) {
    return expiresAt != null && !expiresAt.isAfter(now.plus(skew));
  }

  /**
   * This grant after a refresh: the new access token and expiry, and the new refresh token when the
   * provider rotated it (the old one otherwise).
   */
  public OAuthGrant refreshedWith(IssuedTokens tokens, Instant now) {
    return new OAuthGrant(
        key,
        tokens.accessToken(),
        tokens.refreshToken() != null ? tokens.refreshToken() : refreshToken,
        tokens.expiresAt(),
        tokens.scopes().isEmpty() ? scopes : tokens.scopes(),
        accountLabel,
        GrantStatus.ACTIVE,
        now);
  }

  /** This grant marked as needing the user to connect again. */
  public OAuthGrant needingReconnect(Instant now) {
    return new OAuthGrant(
        key,
        accessToken,
        refreshToken,
        expiresAt,
        scopes,
        accountLabel,
        GrantStatus.NEEDS_RECONNECT,
        now);
  }

  /** The usable access token. */
  public AccessToken toAccessToken() {
    return new AccessToken(accessToken, scopes, expiresAt);
  }

  @Override
  public String toString() {
    return "OAuthGrant[key="
        + key
        + ", expiresAt="
        + expiresAt
        + ", scopes="
        + scopes
        + ", status="
        + status
        + ", tokens=redacted]";
  }
}
