package dev.nexus.core.error;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure that may go away: a dependency is down or busy, a lock could not be had in time, a
 * provider asked to slow down. {@link #retryAfter()} gives the wait the dependency asked for, if it
 * said one.
 */
public class RetriableException extends NexusException {

  private final Duration retryAfter;

  public RetriableException(String message) {
    this(message, null, null);
  }

  public RetriableException(String message, Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.retryAfter = retryAfter;
  }

  /** The wait the dependency asked for, or empty when it named none. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  @Override
  public final boolean retriable() {
    return true;
  }
}
