package dev.nexus.testkit.memory;

import dev.nexus.core.vault.ConnectionAttempt;
import dev.nexus.core.vault.ConnectionAttempts;
import dev.nexus.core.vault.ProviderId;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@link ConnectionAttempts} held in memory, for one process. A state is 256 random bits (not
 * signed: nothing outside this object can make one it knows). Thread-safe: taking is a conditional
 * remove, so of racing callers exactly one gets the attempt.
 */
public final class InMemoryConnectionAttempts implements ConnectionAttempts {

  private final ConcurrentMap<String, ConnectionAttempt> attempts = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();

  @Override
  public String begin(ConnectionAttempt attempt, Instant now) {
    Objects.requireNonNull(attempt, "attempt");
    Objects.requireNonNull(now, "now");
    attempts.values().removeIf(a -> a.expiresAt().isBefore(now));
    while (true) {
      byte[] bytes = new byte[32];
      random.nextBytes(bytes);
      String state = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      if (attempts.putIfAbsent(state, attempt) == null) {
        return state;
      }
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
