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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Latency of loading one grant beside a bare select of the same row, measured in pairs: each round
 * runs every variant once, in rotating order, so that whatever else the machine does slows all of
 * them alike. Prints p50, p90 and p99 of each and the ratios to the bare select.
 *
 * <p>Run: {@code java -cp nexus-bench/target/benchmarks.jar dev.nexus.bench.vault.GrantReadLatency
 * [rounds]}.
 */
public final class GrantReadLatency {

  private static final String BARE_SELECT =
      "SELECT organization_id, user_id, provider, access_token, refresh_token, key_id, expires_at,"
          + " expires_at_nanos, scopes, account_label, status, updated_at, updated_at_nanos"
          + " FROM oauth_grant WHERE organization_id = ? AND user_id = ? AND provider = ?";

  private GrantReadLatency() {}

  /** One way of reading the grant. */
  private interface Variant {
    Object run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    try (BenchDatabase database = new BenchDatabase("temporary")) {
      JdbiTokenVault vault =
          JdbiTokenVault.builder(
                  database.vault, GrantCipher.fromKeysetJson(GrantCipher.generateKeyset()))
              .build();
      GrantKey key = new GrantKey(OrganizationId.of("acme"), UserId.of("alice"), ProviderId.GMAIL);
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

      Map<String, Variant> variants = new LinkedHashMap<>();
      variants.put(
          "bare JDBC select (owner role, no RLS, no decryption)", () -> bare(database, key));
      variants.put("JdbiTokenVault.find (RLS scope + select + decrypt)", () -> vault.find(key));
      variants.put("same scoped select, app role, no decryption", () -> scoped(database, key));

      List<String> names = new ArrayList<>(variants.keySet());
      List<Variant> runs = new ArrayList<>(variants.values());
      long[][] samples = new long[runs.size()][rounds];
      int warmup = Math.max(5_000, rounds / 5);
      for (int i = 0; i < warmup; i++) {
        for (Variant variant : runs) {
          variant.run();
        }
      }
      for (int round = 0; round < rounds; round++) {
        for (int k = 0; k < runs.size(); k++) {
          int v = (round + k) % runs.size();
          long start = System.nanoTime();
          runs.get(v).run();
          samples[v][round] = System.nanoTime() - start;
        }
      }
      double bareP50 = percentile(samples[0], 0.50);
      double bareP99 = percentile(samples[0], 0.99);
      System.out.printf(Locale.ROOT, "rounds: %d (after %d warm-up rounds)%n", rounds, warmup);
      for (int v = 0; v < runs.size(); v++) {
        double p50 = percentile(samples[v], 0.50);
        double p90 = percentile(samples[v], 0.90);
        double p99 = percentile(samples[v], 0.99);
        System.out.printf(
            Locale.ROOT,
            "%-52s p50 %7.1f us  p90 %7.1f us  p99 %7.1f us  ratio p50 %.2fx  p99 %.2fx%n",
            names.get(v),
            p50,
            p90,
            p99,
            p50 / bareP50,
            p99 / bareP99);
      }
    }
  }

  private static Object bare(BenchDatabase database, GrantKey key) throws SQLException {
    try (Connection connection = database.owner.getConnection();
        PreparedStatement statement = connection.prepareStatement(BARE_SELECT)) {
      statement.setString(1, key.organization().value());
      statement.setString(2, key.user().value());
      statement.setString(3, key.provider().value());
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          throw new IllegalStateException("the grant row is missing");
        }
        Object last = null;
        for (int column = 1; column <= 13; column++) {
          last = row.getObject(column);
        }
        return last;
      }
    }
  }

  private static Object scoped(BenchDatabase database, GrantKey key) throws SQLException {
    try (Connection connection = database.vault.dataSource().getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT set_config('nexus.organization', ?, true); " + BARE_SELECT)) {
      statement.setString(1, key.organization().value());
      statement.setString(2, key.organization().value());
      statement.setString(3, key.user().value());
      statement.setString(4, key.provider().value());
      statement.execute();
      statement.getMoreResults();
      try (ResultSet row = statement.getResultSet()) {
        Object last = null;
        if (row.next()) {
          for (int column = 1; column <= 13; column++) {
            last = row.getObject(column);
          }
        }
        return last;
      }
    }
  }

  private static double percentile(long[] nanos, double quantile) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1_000.0;
  }
}
