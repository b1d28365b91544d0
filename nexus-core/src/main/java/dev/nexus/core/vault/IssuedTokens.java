package dev.nexus.core.vault;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Tokens a provider issued from a code exchange or a refresh. {@code refreshToken} is null when the
 * provider sent none (on a refresh: keep the old one); {@code expiresAt} is null when the token
 * does not expire; {@code accountLabel} may be null. Prints without its tokens.
 */
public record IssuedTokens(
    Secret accessToken,
    Secret refreshToken,
    Instant expiresAt,
    Set<String> scopes,
    String accountLabel) {

  public IssuedTokens {
    Objects.requireNonNull(accessToken, "accessToken");
    scopes = Set.copyOf(scopes);
  }

  @Override
  public String toString() {
    return "IssuedTokens[expiresAt=" + expiresAt + ", scopes=" + scopes + ", tokens=redacted]";
  }
}
