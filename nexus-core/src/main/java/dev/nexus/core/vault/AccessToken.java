package dev.nexus.core.vault;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A usable access token for one grant, with the scopes it carries and when it expires (empty for
 * tokens that do not expire, such as Notion's). Prints redacted.
 */
public record AccessToken(Secret token, Set<String> scopes, Instant expiresAt) {

  public AccessToken {
    Objects.requireNonNull(token, "token");
    scopes = Set.copyOf(scopes);
  }

  /** The bearer value to send to the provider. */
  public String reveal() {
    return token.reveal();
  }

  public Optional<Instant> expiry() {
    return Optional.ofNullable(expiresAt);
  }

  /** Whether the grant includes {@code scope}. */
  public boolean hasScope(String scope) {
    return scopes.contains(scope);
  }
}
