package dev.nexus.vault;

import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.error.NexusException;
import dev.nexus.core.error.ReconnectRequiredException;
import dev.nexus.core.error.RetriableException;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.vault.AccessToken;
import dev.nexus.core.vault.GrantKey;
import dev.nexus.core.vault.GrantStatus;
import dev.nexus.core.vault.InvalidGrantException;
import dev.nexus.core.vault.IssuedTokens;
import dev.nexus.core.vault.OAuthGrant;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.core.vault.Secret;
import dev.nexus.core.vault.TokenRefresher;
import dev.nexus.core.vault.TokenVault;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Update;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token vault on PostgreSQL. Tokens are encrypted by a {@link GrantCipher} before they are
 * written; rows are scoped by organization in every query and by row-level security.
 *
 * <p>{@link #accessToken} refreshes a grant whose token expires within the skew (60 seconds by
 * default). Concurrent callers in this process share one refresh; callers in other processes wait
 * on the grant's row lock ({@code SELECT ... FOR UPDATE}, bounded by the lock timeout) and then
 * read the refreshed grant instead of refreshing again. The new access token and a rotated refresh
 * token are written in one statement. A provider's {@code invalid_grant} marks the grant {@link
 * GrantStatus#NEEDS_RECONNECT}.
 *
 * <p>Limitations: the provider call happens while the row lock (and one pooled connection) is held,
 * so the refresher's own timeout should stay below the lock timeout.
 */
public final class JdbiTokenVault implements TokenVault {

  /** The default time before expiry at which a token is refreshed. */
  public static final Duration DEFAULT_REFRESH_SKEW = Duration.ofSeconds(60);

  /** The default wait for another caller's refresh of the same grant. */
  public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(10);

  static final String ACCESS_TOKEN = "access_token";
  static final String REFRESH_TOKEN = "refresh_token";

  private static final Logger LOG = LoggerFactory.getLogger(JdbiTokenVault.class);

  private static final String COLUMNS =
      "organization_id, user_id, provider, access_token, refresh_token, key_id, expires_at,"
          + " expires_at_nanos, scopes, account_label, status, updated_at, updated_at_nanos";

  private static final String WHERE_KEY =
      " WHERE organization_id = :org AND user_id = :user AND provider = :provider";

  private static final String FIND_IN_ONE_ROUND_TRIP =
      "SELECT set_config('"
          + VaultDatabase.ORGANIZATION_SETTING
          + "', ?, true); SELECT "
          + COLUMNS
          + " FROM oauth_grant WHERE organization_id = ? AND user_id = ? AND provider = ?";

  private final Jdbi jdbi;
  private final DataSource dataSource;
  private final GrantCipher cipher;
  private final Map<ProviderId, TokenRefresher> refreshers;
  private final Clock clock;
  private final Duration refreshSkew;
  private final Duration lockTimeout;
  private final ConcurrentHashMap<GrantKey, CompletableFuture<AccessToken>> refreshing =
      new ConcurrentHashMap<>();

  private JdbiTokenVault(Builder builder) {
    this.jdbi = builder.jdbi;
    this.dataSource = builder.dataSource;
    this.cipher = builder.cipher;
    this.refreshers = Map.copyOf(builder.refreshers);
    this.clock = builder.clock;
    this.refreshSkew = builder.refreshSkew;
    this.lockTimeout = builder.lockTimeout;
  }

  /**
   * A builder for a vault on {@code database} with {@code cipher}. Grant reads go straight to the
   * pool, past Jdbi, because they are on every tool call's path.
   */
  public static Builder builder(VaultDatabase database, GrantCipher cipher) {
    Objects.requireNonNull(database, "database");
    return new Builder(database.jdbi(), database.dataSource(), cipher);
  }

  /**
   * A builder for a vault on {@code jdbi}, which must be configured like {@link
   * VaultDatabase#jdbi()} and connect as a role subject to the vault's row-level security.
   */
  public static Builder builder(Jdbi jdbi, GrantCipher cipher) {
    return new Builder(jdbi, null, cipher);
  }

  @Override
  public void store(OAuthGrant grant) {
    Objects.requireNonNull(grant, "grant");
    GrantKey key = grant.key();
    Tenancy.inOrganization(
        jdbi,
        key.organization(),
        "storing a grant",
        handle -> {
          Update upsert =
              handle.createUpdate(
                  "INSERT INTO oauth_grant ("
                      + COLUMNS
                      + ") VALUES (:org, :user, :provider, :access, :refresh, :keyId, :expiresAt,"
                      + " :expiresAtNanos, :scopes, :label, :status, :updatedAt, :updatedAtNanos)"
                      + " ON CONFLICT (organization_id, user_id, provider) DO UPDATE SET"
                      + " access_token = EXCLUDED.access_token,"
                      + " refresh_token = EXCLUDED.refresh_token, key_id = EXCLUDED.key_id,"
                      + " expires_at = EXCLUDED.expires_at,"
                      + " expires_at_nanos = EXCLUDED.expires_at_nanos, scopes = EXCLUDED.scopes,"
                      + " account_label = EXCLUDED.account_label, status = EXCLUDED.status,"
                      + " updated_at = EXCLUDED.updated_at,"
                      + " updated_at_nanos = EXCLUDED.updated_at_nanos");
          bindGrant(upsert, grant).execute();
          return null;
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>One round trip: the organization setting and the select go out together and run in one
   * implicit transaction, which ends (and clears the setting) when the server answers.
   */
  @Override
  public Optional<OAuthGrant> find(GrantKey key) {
    Objects.requireNonNull(key, "key");
    return Failures.translate(
        "reading a grant",
        () -> {
          if (dataSource != null) {
            try (Connection connection = dataSource.getConnection()) {
              return findOnConnection(connection, key);
            } catch (SQLException e) {
              throw new ConnectionException(e);
            }
          }
          return jdbi.withHandle(handle -> findOnConnection(handle.getConnection(), key));
        });
  }

  private Optional<OAuthGrant> findOnConnection(Connection connection, GrantKey key) {
    try (PreparedStatement statement = connection.prepareStatement(FIND_IN_ONE_ROUND_TRIP)) {
      statement.setString(1, key.organization().value());
      statement.setString(2, key.organization().value());
      statement.setString(3, key.user().value());
      statement.setString(4, key.provider().value());
      statement.execute();
      if (!statement.getMoreResults()) {
        throw new IllegalStateException("the grant select returned no result");
      }
      try (ResultSet row = statement.getResultSet()) {
        return row.next() ? Optional.of(readGrant(row)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new ConnectionException(e);
    }
  }

  @Override
  public List<OAuthGrant> list(OrganizationId organization, UserId user) {
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(user, "user");
    return Tenancy.inOrganization(
        jdbi,
        organization,
        "listing grants",
        handle ->
            handle
                .createQuery(
                    "SELECT "
                        + COLUMNS
                        + " FROM oauth_grant WHERE organization_id = :org AND user_id = :user"
                        + " ORDER BY provider COLLATE \"C\"")
                .bind("org", organization.value())
                .bind("user", user.value())
                .map((row, context) -> readGrant(row))
                .list());
  }

  @Override
  public boolean delete(GrantKey key) {
    Objects.requireNonNull(key, "key");
    return Tenancy.inOrganization(
        jdbi,
        key.organization(),
        "deleting a grant",
        handle ->
            bindKey(handle.createUpdate("DELETE FROM oauth_grant" + WHERE_KEY), key).execute() > 0);
  }

  @Override
  public AccessToken accessToken(GrantKey key) {
    Objects.requireNonNull(key, "key");
    OAuthGrant grant = find(key).orElseThrow(() -> notConnected(key));
    if (grant.status() == GrantStatus.NEEDS_RECONNECT) {
      throw needsReconnect(key);
    }
    if (!grant.expiresWithin(refreshSkew, clock.instant())) {
      return grant.toAccessToken();
    }
    return refreshOnce(key, stored -> stored.expiresWithin(refreshSkew, clock.instant()));
  }

  @Override
  public AccessToken refreshRejected(GrantKey key, AccessToken rejected) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(rejected, "rejected");
    // Refresh only while the stored token is still the rejected one; otherwise someone already
    // replaced it and the newer token is the answer.
    return refreshOnce(key, stored -> stored.accessToken().equals(rejected.token()));
  }

  /** Joins a refresh of the same grant already running in this process, or runs one. */
  private AccessToken refreshOnce(GrantKey key, Predicate<OAuthGrant> needsRefresh) {
    CompletableFuture<AccessToken> mine = new CompletableFuture<>();
    CompletableFuture<AccessToken> running = refreshing.putIfAbsent(key, mine);
    if (running != null) {
      return await(key, running);
    }
    try {
      AccessToken token = refreshLocked(key, needsRefresh);
      mine.complete(token);
      return token;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      refreshing.remove(key, mine);
    }
  }

  private AccessToken await(GrantKey key, CompletableFuture<AccessToken> running) {
    try {
      return running.get(lockTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new RetriableException(
          "the grant " + key + " is being refreshed by another caller; try again shortly",
          Duration.ofSeconds(1),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableException("interrupted while waiting for a grant refresh", null, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof NexusException nexus) {
        throw nexus;
      }
      throw new RetriableException("the refresh of grant " + key + " failed", null, e.getCause());
    }
  }

  /**
   * Refreshes under the grant's row lock, re-reading the grant after the wait: when another process
   * refreshed it meanwhile, its token is returned without calling the provider.
   */
  private AccessToken refreshLocked(GrantKey key, Predicate<OAuthGrant> needsRefresh) {
    RefreshOutcome outcome =
        Tenancy.inOrganization(
            jdbi,
            key.organization(),
            "refreshing a grant",
            handle -> {
              handle.execute("SET LOCAL lock_timeout = " + Math.max(1, lockTimeout.toMillis()));
              OAuthGrant grant = selectGrant(handle, key, true).orElse(null);
              if (grant == null) {
                return RefreshOutcome.failed(notConnected(key));
              }
              if (grant.status() == GrantStatus.NEEDS_RECONNECT) {
                return RefreshOutcome.failed(needsReconnect(key));
              }
              Instant now = clock.instant();
              if (!needsRefresh.test(grant)) {
                return RefreshOutcome.done(grant.toAccessToken());
              }
              TokenRefresher refresher = refreshers.get(key.provider());
              if (refresher == null) {
                throw new ConfigurationException(
                    "no token refresher is configured for provider " + key.provider());
              }
              if (grant.refreshToken() == null) {
                markNeedsReconnect(handle, key, now);
                return RefreshOutcome.failed(
                    new ReconnectRequiredException(
                        "the "
                            + key.provider()
                            + " connection has expired and cannot be renewed; connect the"
                            + " account again"));
              }
              long started = System.nanoTime();
              IssuedTokens issued;
              try {
                issued = refresher.refresh(grant.refreshToken());
              } catch (InvalidGrantException e) {
                LOG.debug(
                    "refresh grant={} outcome=invalid_grant durationMs={}",
                    key,
                    (System.nanoTime() - started) / 1_000_000);
                markNeedsReconnect(handle, key, now);
                return RefreshOutcome.failed(
                    new InvalidGrantException(
                        "the "
                            + key.provider()
                            + " account refused the stored authorization; connect it again",
                        e));
              }
              LOG.debug(
                  "refresh grant={} outcome=ok durationMs={}",
                  key,
                  (System.nanoTime() - started) / 1_000_000);
              OAuthGrant refreshed = grant.refreshedWith(issued, clock.instant());
              Update update =
                  handle.createUpdate(
                      "UPDATE oauth_grant SET access_token = :access, refresh_token = :refresh,"
                          + " key_id = :keyId, expires_at = :expiresAt,"
                          + " expires_at_nanos = :expiresAtNanos, scopes = :scopes,"
                          + " account_label = :label, status = :status,"
                          + " updated_at = :updatedAt, updated_at_nanos = :updatedAtNanos"
                          + WHERE_KEY);
              bindGrant(update, refreshed).execute();
              return RefreshOutcome.done(refreshed.toAccessToken());
            });
    if (outcome.failure() != null) {
      throw outcome.failure();
    }
    return outcome.token();
  }

  /**
   * Moves every grant encrypted by an older key to the cipher's primary key, one organization at a
   * time, and returns how many grants it re-encrypted. Safe to run while the vault is in use.
   */
  public int reencryptAll() {
    List<String> organizations =
        Failures.translate(
            "listing organizations with grants",
            () ->
                jdbi.withHandle(
                    handle ->
                        handle
                            .createQuery("SELECT grant_organizations()")
                            .mapTo(String.class)
                            .list()));
    int moved = 0;
    for (String organization : organizations) {
      moved += reencrypt(OrganizationId.of(organization));
    }
    return moved;
  }

  private int reencrypt(OrganizationId organization) {
    return Tenancy.inOrganization(
        jdbi,
        organization,
        "re-encrypting grants",
        handle -> {
          List<OAuthGrant> stale =
              handle
                  .createQuery(
                      "SELECT "
                          + COLUMNS
                          + " FROM oauth_grant WHERE organization_id = :org AND key_id <> :primary"
                          + " FOR UPDATE")
                  .bind("org", organization.value())
                  .bind("primary", cipher.primaryKeyId())
                  .map((row, context) -> readGrant(row))
                  .list();
          for (OAuthGrant grant : stale) {
            bindGrant(
                    handle.createUpdate(
                        "UPDATE oauth_grant SET access_token = :access, refresh_token = :refresh,"
                            + " key_id = :keyId"
                            + WHERE_KEY),
                    grant)
                .execute();
          }
          return stale.size();
        });
  }

  private Optional<OAuthGrant> selectGrant(Handle handle, GrantKey key, boolean forUpdate) {
    return bindKey(
            handle.createQuery(
                "SELECT "
                    + COLUMNS
                    + " FROM oauth_grant"
                    + WHERE_KEY
                    + (forUpdate ? " FOR UPDATE" : "")),
            key)
        .map((row, context) -> readGrant(row))
        .findOne();
  }

  private void markNeedsReconnect(Handle handle, GrantKey key, Instant now) {
    bindKey(
            handle.createUpdate(
                "UPDATE oauth_grant SET status = 'NEEDS_RECONNECT', updated_at = :updatedAt,"
                    + " updated_at_nanos = :updatedAtNanos"
                    + WHERE_KEY),
            key)
        .bindByType("updatedAt", Instants.timestamp(now), java.time.OffsetDateTime.class)
        .bind("updatedAtNanos", Instants.nanos(now))
        .execute();
  }

  private static <S extends org.jdbi.v3.core.statement.SqlStatement<S>> S bindKey(
      S statement, GrantKey key) {
    return statement
        .bind("org", key.organization().value())
        .bind("user", key.user().value())
        .bind("provider", key.provider().value());
  }

  private Update bindGrant(Update statement, OAuthGrant grant) {
    GrantKey key = grant.key();
    byte[] access = cipher.encrypt(key, ACCESS_TOKEN, grant.accessToken().reveal());
    byte[] refresh =
        grant.refreshToken() == null
            ? null
            : cipher.encrypt(key, REFRESH_TOKEN, grant.refreshToken().reveal());
    return bindKey(statement, key)
        .bind("access", access)
        .bindByType("refresh", refresh, byte[].class)
        .bind("keyId", cipher.primaryKeyId())
        .bindByType(
            "expiresAt", Instants.timestamp(grant.expiresAt()), java.time.OffsetDateTime.class)
        .bind("expiresAtNanos", Instants.nanos(grant.expiresAt()))
        .bind("scopes", grant.scopes().stream().sorted().toArray(String[]::new))
        .bind("label", grant.accountLabel())
        .bind("status", grant.status().name())
        .bindByType(
            "updatedAt", Instants.timestamp(grant.updatedAt()), java.time.OffsetDateTime.class)
        .bind("updatedAtNanos", Instants.nanos(grant.updatedAt()));
  }

  private OAuthGrant readGrant(ResultSet row) throws SQLException {
    GrantKey key =
        new GrantKey(
            OrganizationId.of(row.getString("organization_id")),
            UserId.of(row.getString("user_id")),
            ProviderId.of(row.getString("provider")));
    Secret access = Secret.of(cipher.decrypt(key, ACCESS_TOKEN, row.getBytes("access_token")));
    byte[] refreshCipher = row.getBytes("refresh_token");
    Secret refresh =
        refreshCipher == null ? null : Secret.of(cipher.decrypt(key, REFRESH_TOKEN, refreshCipher));
    String[] scopes = (String[]) row.getArray("scopes").getArray();
    return new OAuthGrant(
        key,
        access,
        refresh,
        Instants.read(row, "expires_at"),
        new HashSet<>(Arrays.asList(scopes)),
        row.getString("account_label"),
        GrantStatus.valueOf(row.getString("status")),
        Instants.read(row, "updated_at"));
  }

  private static ReconnectRequiredException notConnected(GrantKey key) {
    return new ReconnectRequiredException(
        "no " + key.provider() + " account is connected for this user; connect it first");
  }

  private static ReconnectRequiredException needsReconnect(GrantKey key) {
    return new ReconnectRequiredException(
        "the " + key.provider() + " connection needs to be connected again");
  }

  /** What the locked refresh transaction decided; a failure is thrown after it commits. */
  private record RefreshOutcome(AccessToken token, NexusException failure) {
    static RefreshOutcome done(AccessToken token) {
      return new RefreshOutcome(token, null);
    }

    static RefreshOutcome failed(NexusException failure) {
      return new RefreshOutcome(null, failure);
    }
  }

  /** Builds a {@link JdbiTokenVault}. */
  public static final class Builder {
    private final Jdbi jdbi;
    private final DataSource dataSource;
    private final GrantCipher cipher;
    private final Map<ProviderId, TokenRefresher> refreshers = new HashMap<>();
    private Clock clock = Clock.systemUTC();
    private Duration refreshSkew = DEFAULT_REFRESH_SKEW;
    private Duration lockTimeout = DEFAULT_LOCK_TIMEOUT;

    private Builder(Jdbi jdbi, DataSource dataSource, GrantCipher cipher) {
      this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
      this.dataSource = dataSource;
      this.cipher = Objects.requireNonNull(cipher, "cipher");
    }

    /** Adds the refresher of one provider (replacing an earlier one for the same provider). */
    public Builder refresher(TokenRefresher refresher) {
      Objects.requireNonNull(refresher, "refresher");
      refreshers.put(refresher.provider(), refresher);
      return this;
    }

    /** Adds several refreshers. */
    public Builder refreshers(Iterable<? extends TokenRefresher> all) {
      all.forEach(this::refresher);
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How long before expiry a token is refreshed (default 60 seconds). */
    public Builder refreshSkew(Duration skew) {
      if (skew == null || skew.isNegative()) {
        throw new ConfigurationException("the refresh skew must not be negative");
      }
      this.refreshSkew = skew;
      return this;
    }

    /**
     * How long a caller waits for another caller's refresh of the same grant before a retriable
     * error (default 10 seconds).
     */
    public Builder lockTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new ConfigurationException("the grant lock timeout must be positive");
      }
      this.lockTimeout = timeout;
      return this;
    }

    public JdbiTokenVault build() {
      return new JdbiTokenVault(this);
    }
  }
}
