package dev.nexus.vault;

import dev.nexus.core.error.InvalidInputException;
import java.time.Duration;
import java.util.Objects;

/**
 * The HikariCP pool of the application role.
 *
 * @param maximumPoolSize most connections open at once (default 10: a small pool beats a large one
 *     on a few cores, and PostgreSQL pays per connection)
 * @param minimumIdle connections kept open while idle (default 2)
 * @param connectionTimeout how long a caller waits for a free connection before a retriable error
 *     (default 10 seconds)
 * @param idleTimeout how long an idle connection above {@code minimumIdle} is kept (default 10
 *     minutes)
 * @param maxLifetime when a connection is retired and replaced (default 30 minutes, below typical
 *     server and load-balancer idle limits)
 * @param statementTimeout the server-side limit of one statement (default 30 seconds; zero for
 *     none)
 */
public record PoolSettings(
    int maximumPoolSize,
    int minimumIdle,
    Duration connectionTimeout,
    Duration idleTimeout,
    Duration maxLifetime,
    Duration statementTimeout) {

  public PoolSettings {
    Objects.requireNonNull(connectionTimeout, "connectionTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(maxLifetime, "maxLifetime");
    Objects.requireNonNull(statementTimeout, "statementTimeout");
    if (maximumPoolSize < 1 || maximumPoolSize > 1000) {
      throw new InvalidInputException("maximum pool size must be between 1 and 1000");
    }
    if (minimumIdle < 0 || minimumIdle > maximumPoolSize) {
      throw new InvalidInputException("minimum idle must be between 0 and the maximum pool size");
    }
    if (connectionTimeout.toMillis() < 250) {
      throw new InvalidInputException("connection timeout must be at least 250 ms");
    }
    if (statementTimeout.isNegative()) {
      throw new InvalidInputException("statement timeout must not be negative");
    }
  }

  /** The documented defaults. */
  public static PoolSettings defaults() {
    return new PoolSettings(
        10,
        2,
        Duration.ofSeconds(10),
        Duration.ofMinutes(10),
        Duration.ofMinutes(30),
        Duration.ofSeconds(30));
  }

  public PoolSettings withMaximumPoolSize(int size) {
    return new PoolSettings(
        size,
        Math.min(minimumIdle, size),
        connectionTimeout,
        idleTimeout,
        maxLifetime,
        statementTimeout);
  }
}
