package dev.nexus.testkit.memory;

import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.error.ReconnectRequiredException;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.vault.AccessToken;
import dev.nexus.core.vault.GrantKey;
import dev.nexus.core.vault.GrantStatus;
import dev.nexus.core.vault.InvalidGrantException;
import dev.nexus.core.vault.IssuedTokens;
import dev.nexus.core.vault.OAuthGrant;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.core.vault.TokenRefresher;
import dev.nexus.core.vault.TokenVault;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A {@link TokenVault} held in memory (tokens are kept as plain {@link
 * dev.nexus.core.vault.Secret}s, not encrypted). Thread-safe. Each grant has its own lock: a caller
 * that finds the access token expiring within the skew takes the lock, reads the grant again, and
 * only then refreshes, so concurrent callers for one grant cause a single refresh while other
 * grants are not held up.
 */
public final class InMemoryTokenVault implements TokenVault {

  /** The refresh skew used when none is given. */
  public static final Duration DEFAULT_REFRESH_SKEW = Duration.ofSeconds(60);

  private final Clock clock;
  private final Duration refreshSkew;
  private final Map<ProviderId, TokenRefresher> refreshers;
  private final ConcurrentMap<GrantKey, OAuthGrant> grants = new ConcurrentHashMap<>();
  private final ConcurrentMap<GrantKey, ReentrantLock> locks = new ConcurrentHashMap<>();

  /** A vault refreshing through {@code refreshers} (at most one per provider). */
  public InMemoryTokenVault(
      Clock clock, Duration refreshSkew, Collection<? extends TokenRefresher> refreshers) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.refreshSkew = Objects.requireNonNull(refreshSkew, "refreshSkew");
    if (refreshSkew.isNegative()) {
      throw new InvalidInputException("refresh skew must not be negative");
    }
    Objects.requireNonNull(refreshers, "refreshers");
    this.refreshers =
        refreshers.stream()
            .collect(
                Collectors.toUnmodifiableMap(
                    TokenRefresher::provider,
                    Function.identity(),
                    (a, b) -> {
                      throw new ConfigurationException(
                          "two token refreshers were given for provider " + a.provider());
                    }));
  }

  /** A vault with the default skew of 60 seconds. */
  public InMemoryTokenVault(Clock clock, Collection<? extends TokenRefresher> refreshers) {
    this(clock, DEFAULT_REFRESH_SKEW, refreshers);
  }

  /** A vault with the default skew of 60 seconds. */
  public InMemoryTokenVault(Clock clock, TokenRefresher... refreshers) {
    this(clock, DEFAULT_REFRESH_SKEW, List.of(refreshers));
  }

  @Override
  public void store(OAuthGrant grant) {
    Objects.requireNonNull(grant, "grant");
    ReentrantLock lock = lockOf(grant.key());
    lock.lock();
    try {
      grants.put(grant.key(), grant);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<OAuthGrant> find(GrantKey key) {
    Objects.requireNonNull(key, "key");
    return Optional.ofNullable(grants.get(key));
  }

  @Override
  public List<OAuthGrant> list(OrganizationId organization, UserId user) {
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(user, "user");
    return grants.values().stream()
        .filter(g -> g.key().organization().equals(organization))
        .filter(g -> g.key().user().equals(user))
        .sorted(Comparator.comparing(g -> g.key().provider().value()))
        .toList();
  }

  @Override
  public boolean delete(GrantKey key) {
    Objects.requireNonNull(key, "key");
    ReentrantLock lock = lockOf(key);
    lock.lock();
    try {
      return grants.remove(key) != null;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public AccessToken accessToken(GrantKey key) {
    Objects.requireNonNull(key, "key");
    OAuthGrant grant = usable(key, grants.get(key));
    if (!grant.expiresWithin(refreshSkew, clock.instant())) {
      return grant.toAccessToken();
    }

    // Someone else may have refreshed while this caller waited for the lock: read again.
    ReentrantLock lock = lockOf(key);
    lock.lock();
    try {
      OAuthGrant current = usable(key, grants.get(key));
      if (!current.expiresWithin(refreshSkew, clock.instant())) {
        return current.toAccessToken();
      }
      return refresh(current).toAccessToken();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public AccessToken refreshRejected(GrantKey key, AccessToken rejected) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(rejected, "rejected");
    ReentrantLock lock = lockOf(key);
    lock.lock();
    try {
      OAuthGrant current = usable(key, grants.get(key));
      if (!current.accessToken().equals(rejected.token())) {
        return current.toAccessToken();
      }
      return refresh(current).toAccessToken();
    } finally {
      lock.unlock();
    }
  }

  private OAuthGrant refresh(OAuthGrant grant) {
    ProviderId provider = grant.key().provider();
    TokenRefresher refresher = refreshers.get(provider);
    if (refresher == null) {
      throw new ConfigurationException("no token refresher is configured for provider " + provider);
    }
    if (grant.refreshToken() == null) {
      grants.put(grant.key(), grant.needingReconnect(clock.instant()));
      throw new ReconnectRequiredException(
          "the " + provider + " access token cannot be renewed without a refresh token; reconnect");
    }

    IssuedTokens tokens;
    try {
      tokens = refresher.refresh(grant.refreshToken());
    } catch (InvalidGrantException e) {
      grants.put(grant.key(), grant.needingReconnect(clock.instant()));
      throw e;
    }
    OAuthGrant refreshed = grant.refreshedWith(tokens, clock.instant());
    grants.put(grant.key(), refreshed);
    return refreshed;
  }

  private static OAuthGrant usable(GrantKey key, OAuthGrant grant) {
    if (grant == null) {
      throw new ReconnectRequiredException(
          "no " + key.provider() + " account is connected for this user in this organization");
    }
    if (grant.status() == GrantStatus.NEEDS_RECONNECT) {
      throw new ReconnectRequiredException(
          "the " + key.provider() + " connection was revoked or expired; connect it again");
    }
    return grant;
  }

  private ReentrantLock lockOf(GrantKey key) {
    return locks.computeIfAbsent(key, k -> new ReentrantLock());
  }
}
