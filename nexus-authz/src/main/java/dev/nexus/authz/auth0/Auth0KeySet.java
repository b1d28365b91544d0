package dev.nexus.authz.auth0;

import com.auth0.jwk.Jwk;
import com.auth0.jwk.JwkException;
import com.auth0.jwk.JwkProvider;
import com.auth0.jwk.NetworkException;
import com.auth0.jwk.SigningKeyNotFoundException;
import com.auth0.jwk.UrlJwkProvider;
import dev.nexus.core.error.ConfigurationException;
import java.net.MalformedURLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenant's published key set, fetched whole and answered from memory.
 *
 * <p>A key id that is not in the set fetches the set again only when the last fetch is older than
 * the refresh interval ({@link #REFRESH_INTERVAL}); otherwise it is not published ({@link
 * SigningKeyNotFoundException}) at once. So a key rotated in is found at the latest one interval
 * after the last fetch, made-up key ids cost nothing, and the tenant is asked at most once an
 * interval whatever tokens arrive. Concurrent misses wait for one shared fetch. A set older than
 * {@link #MAX_AGE} is fetched again on its next use, so withdrawn keys stop verifying.
 *
 * <p>A failed fetch counts as a fetch for the interval. Until the next attempt is allowed, a key id
 * not in the last good set is a {@link NetworkException} carrying the wait, while keys of that set
 * keep verifying, even past its maximum age.
 */
public final class Auth0KeySet implements JwkProvider {

  private static final Logger LOG = LoggerFactory.getLogger(Auth0KeySet.class);

  /**
   * The least time between two fetches: a key rotated in waits at most this long to be found, and
   * the tenant sees at most two fetches a minute from this process.
   */
  public static final Duration REFRESH_INTERVAL = Duration.ofSeconds(30);

  /** How long a fetched set is used before it is fetched again, as jwks-rsa's cache did. */
  public static final Duration MAX_AGE = Duration.ofHours(10);

  private static final int TIMEOUT_MILLIS = 5_000;

  private final UrlJwkProvider source;
  private final Clock clock;
  private final ReentrantLock fetching = new ReentrantLock();
  private volatile Snapshot snapshot = Snapshot.EMPTY;

  /**
   * The keys as last fetched, when that fetch started ({@code fetchedAt}, null before the first
   * success), when the last fetch, good or failed, started ({@code attemptedAt}) and why it failed.
   */
  private record Snapshot(
      Map<String, Jwk> keys, Instant fetchedAt, Instant attemptedAt, Exception failure) {

    static final Snapshot EMPTY = new Snapshot(Map.of(), null, null, null);

    boolean failed() {
      return attemptedAt != null && !attemptedAt.equals(fetchedAt);
    }
  }

  private Auth0KeySet(UrlJwkProvider source, Clock clock) {
    this.source = source;
    this.clock = clock;
  }

  /**
   * The key set at the policy's JWKS URI, with 5-second network timeouts, timed by {@code clock}.
   *
   * @throws ConfigurationException when the URI is not a valid URL
   */
  public static Auth0KeySet of(Auth0TokenPolicy policy, Clock clock) {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(clock, "clock");
    UrlJwkProvider source;
    try {
      source = new UrlJwkProvider(policy.jwksUri().toURL(), TIMEOUT_MILLIS, TIMEOUT_MILLIS);
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new ConfigurationException("auth0 JWKS URI is not a valid URL", e);
    }
    return new Auth0KeySet(source, clock);
  }

  /**
   * The published key {@code keyId}.
   *
   * @throws SigningKeyNotFoundException when the set, fetched within the interval, lacks it
   * @throws NetworkException when the set cannot be fetched and the last good one lacks it
   */
  @Override
  public Jwk get(String keyId) throws JwkException {
    Snapshot seen = snapshot;
    Instant now = clock.instant();
    Jwk known = keyId == null ? null : seen.keys().get(keyId);
    if (known != null) {
      return isOlderThan(seen.fetchedAt(), MAX_AGE, now) ? refreshedOrKnown(keyId, known) : known;
    }
    if (!isOlderThan(seen.fetchedAt(), REFRESH_INTERVAL, now)) {
      throw notPublished();
    }

    // Every miss queues here, so a burst of them shares the first one's fetch.
    fetching.lock();
    try {
      Snapshot current = refreshIfDue();
      Jwk jwk = keyId == null ? null : current.keys().get(keyId);
      if (jwk != null) {
        return jwk;
      }
      if (current.failed()) {
        throw unavailable(current);
      }
      throw notPublished();
    } finally {
      fetching.unlock();
    }
  }

  /**
   * A known key of a set past its age: the key as fetched again, or as known when the fetch fails
   * or another thread is already fetching (that one waits for it, not every request).
   */
  private Jwk refreshedOrKnown(String keyId, Jwk known) throws JwkException {
    if (!fetching.tryLock()) {
      return known;
    }
    try {
      Snapshot current = refreshIfDue();
      if (current.failed()) {
        return known;
      }
      Jwk jwk = current.keys().get(keyId);
      if (jwk == null) {
        throw notPublished();
      }
      return jwk;
    } finally {
      fetching.unlock();
    }
  }

  /** Fetches the set unless a fetch started within the interval; the caller holds the lock. */
  private Snapshot refreshIfDue() {
    Snapshot current = snapshot;
    Instant now = clock.instant();
    if (!isOlderThan(current.attemptedAt(), REFRESH_INTERVAL, now)) {
      return current;
    }

    // The attempt is recorded first, so even a fetch that throws unexpectedly counts.
    snapshot = new Snapshot(current.keys(), current.fetchedAt(), now, null);
    long started = System.nanoTime();
    try {
      Map<String, Jwk> keys = new HashMap<>();
      for (Jwk jwk : source.getAll()) {
        if (jwk.getId() != null) {
          keys.putIfAbsent(jwk.getId(), jwk);
        }
      }
      snapshot = new Snapshot(Map.copyOf(keys), now, now, null);
      LOG.debug("auth0 jwks fetch: {} keys in {} ms", keys.size(), elapsedMillis(started));
    } catch (SigningKeyNotFoundException | ClassCastException e) {
      // jwks-rsa casts the JSON it reads unchecked: a malformed set is a failed fetch too.
      snapshot = new Snapshot(current.keys(), current.fetchedAt(), now, e);
      LOG.debug("auth0 jwks fetch failed after {} ms", elapsedMillis(started));
    }
    return snapshot;
  }

  /** Whether {@code since} is null or at least {@code age} before {@code now} (or after it). */
  private static boolean isOlderThan(Instant since, Duration age, Instant now) {
    if (since == null) {
      return true;
    }
    Duration elapsed = Duration.between(since, now);
    // A clock set back must not stop fetches until it catches up.
    return elapsed.isNegative() || elapsed.compareTo(age) >= 0;
  }

  private KeySetUnavailableException unavailable(Snapshot failed) {
    Duration wait = Duration.between(clock.instant(), failed.attemptedAt().plus(REFRESH_INTERVAL));
    if (wait.compareTo(Duration.ofSeconds(1)) < 0) {
      wait = Duration.ofSeconds(1);
    }
    return new KeySetUnavailableException(wait, failed.failure());
  }

  private static SigningKeyNotFoundException notPublished() {
    return new SigningKeyNotFoundException("the key set does not publish the key id", null);
  }

  private static long elapsedMillis(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }

  /** The last fetch of the key set failed; the next is allowed after {@link #retryAfter()}. */
  static final class KeySetUnavailableException extends NetworkException {

    private final Duration retryAfter;

    KeySetUnavailableException(Duration retryAfter, Throwable cause) {
      super("the key set cannot be fetched", cause);
      this.retryAfter = retryAfter;
    }

    Duration retryAfter() {
      return retryAfter;
    }
  }
}
