package dev.nexus.core.vault;

import java.time.Instant;
import java.util.Objects;

/**
 * A connect flow between the consent redirect and the provider's callback: whose grant it will
 * become, the PKCE verifier that redeems the provider's code, and until when the callback is
 * accepted.
 */
public record ConnectionAttempt(GrantKey key, String verifier, Instant expiresAt) {

  public ConnectionAttempt {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(verifier, "verifier");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (verifier.isBlank()) {
      throw new IllegalArgumentException("a connection attempt needs a PKCE verifier");
    }
  }

  @Override
  public String toString() {
    return "ConnectionAttempt[" + key + ", verifier=redacted, expiresAt=" + expiresAt + "]";
  }
}
