package dev.nexus.testkit.memory;

import dev.nexus.core.error.ConflictException;
import dev.nexus.core.vault.ConnectionAttempt;
import dev.nexus.core.vault.ConnectionAttempts;
import dev.nexus.core.vault.ProviderId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@link ConnectionAttempts} held in memory, for one process. Thread-safe: taking is a conditional
 * remove, so of racing callers exactly one gets the attempt.
 */
public final class InMemoryConnectionAttempts implements ConnectionAttempts {

  private final ConcurrentMap<String, ConnectionAttempt> attempts = new ConcurrentHashMap<>();

  @Override
  public void begin(String state, ConnectionAttempt attempt, Instant now) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(attempt, "attempt");
    Objects.requireNonNull(now, "now");
    attempts.values().removeIf(a -> a.expiresAt().isBefore(now));
    if (attempts.putIfAbsent(state, attempt) != null) {
      throw new ConflictException("a connection attempt with this state exists");
    }
  }

  @Override
  public Optional<ConnectionAttempt> take(String state, ProviderId provider) {
    Objects.requireNonNull(provider, "provider");
    if (state == null) {
      return Optional.empty();
    }
    ConnectionAttempt attempt = attempts.get(state);
    if (attempt == null
        || !attempt.key().provider().equals(provider)
        || !attempts.remove(state, attempt)) {
      return Optional.empty();
    }
    return Optional.of(attempt);
  }

  /** How many attempts are held (expired ones included until the next begin). */
  public int size() {
    return attempts.size();
  }
}
