package dev.nexus.core.vault;

import java.time.Instant;
import java.util.Optional;

/**
 * The connect flows under way, each named by the OAuth {@code state} its {@link #begin} hands out
 * and the provider sends back. Every node of a deployment must see the same attempts, so a callback
 * can land on any of them, and an attempt is taken at most once across all of them. Adapters make
 * states that cannot be guessed or altered, keep the verifier secret (encrypted at rest) and need
 * not keep the state itself.
 */
public interface ConnectionAttempts {

  /**
   * Records {@code attempt} and returns the state that names it (URL-safe, at most 512 characters),
   * and forgets attempts that expired before {@code now}.
   */
  String begin(ConnectionAttempt attempt, Instant now);

  /**
   * Takes the attempt {@code state} names, for {@code provider}: the first caller gets it, every
   * later one (on any node) gets empty, as does a state that is unknown, malformed or altered. An
   * attempt for another provider is left in place. The attempt is returned even when it has
   * expired; callers check {@link ConnectionAttempt#expiresAt()}.
   */
  Optional<ConnectionAttempt> take(String state, ProviderId provider);
}
