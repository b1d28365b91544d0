package dev.nexus.core.vault;

import java.time.Instant;
import java.util.Optional;

/**
 * The connect flows under way, keyed by their OAuth {@code state}: a random handle the caller makes
 * and sends through the provider. Every node of a deployment must see the same attempts, so a
 * callback can land on any of them, and an attempt is taken at most once across all of them.
 * Adapters keep the verifier secret (encrypted at rest) and need not keep the state itself.
 */
public interface ConnectionAttempts {

  /**
   * Records {@code attempt} under {@code state}, and forgets attempts that expired before {@code
   * now}.
   *
   * @throws dev.nexus.core.error.ConflictException when an attempt with this state exists
   */
  void begin(String state, ConnectionAttempt attempt, Instant now);

  /**
   * Takes the attempt recorded under {@code state} for {@code provider}: the first caller gets it,
   * every later one (on any node) gets empty, as does an unknown state. An attempt for another
   * provider is left in place. The attempt is returned even when it has expired; callers check
   * {@link ConnectionAttempt#expiresAt()}.
   */
  Optional<ConnectionAttempt> take(String state, ProviderId provider);
}
