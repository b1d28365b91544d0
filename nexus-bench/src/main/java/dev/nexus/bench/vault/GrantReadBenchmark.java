package dev.nexus.bench.vault;

import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.vault.GrantKey;
import dev.nexus.core.vault.IssuedTokens;
import dev.nexus.core.vault.OAuthGrant;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.core.vault.Secret;
import dev.nexus.vault.GrantCipher;
import dev.nexus.vault.JdbiTokenVault;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Loading one grant, one thread, on the embedded PostgreSQL:
 *
 * <ul>
 *   <li>{@code vaultFind}: {@link JdbiTokenVault#find}, that is, scope the transaction to the
 *       organization (row-level security), select the row as the application role and decrypt both
 *       tokens with AES-256-GCM;
 *   <li>{@code bareSelect}: a prepared select of the same row by primary key on a pooled connection
 *       of the table owner (no row-level security), reading the same columns undecrypted.
 * </ul>
 *
 * The ratio of their medians is what the vault adds to a plain read.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 4)
public class GrantReadBenchmark {

  private static final String BARE_SELECT =
      "SELECT organization_id, user_id, provider, access_token, refresh_token, key_id, expires_at,"
          + " expires_at_nanos, scopes, account_label, status, updated_at, updated_at_nanos"
          + " FROM oauth_grant WHERE organization_id = ? AND user_id = ? AND provider = ?";

  private BenchDatabase database;
  private JdbiTokenVault vault;
  private GrantKey key;

  @Setup(Level.Trial)
  public void start() {
    database = new BenchDatabase("temporary");
    vault =
        JdbiTokenVault.builder(
                database.vault, GrantCipher.fromKeysetJson(GrantCipher.generateKeyset()))
            .build();
    key = new GrantKey(OrganizationId.of("acme"), UserId.of("alice"), ProviderId.GMAIL);
    Instant now = Instant.now();
    vault.store(
        OAuthGrant.issued(
            key,
            new IssuedTokens(
                Secret.of("ya29." + "a".repeat(180)),
                Secret.of("1//" + "r".repeat(100)),
                now.plus(Duration.ofDays(365)),
                Set.of("https://www.googleapis.com/auth/gmail.readonly"),
                "alice@acme.test"),
            now));
  }

  @TearDown(Level.Trial)
  public void stop() {
    database.close();
  }

  @Benchmark
  public OAuthGrant vaultFind() {
    return vault.find(key).orElseThrow();
  }

  @Benchmark
  public void bareSelect(Blackhole sink) throws SQLException {
    try (Connection connection = database.owner.getConnection();
        PreparedStatement statement = connection.prepareStatement(BARE_SELECT)) {
      statement.setString(1, key.organization().value());
      statement.setString(2, key.user().value());
      statement.setString(3, key.provider().value());
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          throw new IllegalStateException("the grant row is missing");
        }
        for (int column = 1; column <= 13; column++) {
          sink.consume(row.getObject(column));
        }
      }
    }
  }
}
