package dev.nexus.bench.vault;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.nexus.vault.DatabaseSettings;
import dev.nexus.vault.VaultDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The embedded PostgreSQL of one benchmark fork, and a second pool as the schema owner for the bare
 * selects and the bulk set-up that the application role is not allowed to do.
 *
 * <p>{@code temporary}: zonky's temporary server, which runs with {@code synchronous_commit=off} (a
 * commit does not wait for the WAL flush). {@code persistent}: the sandbox's configuration, a kept
 * data directory with {@code synchronous_commit=on}.
 */
final class BenchDatabase implements AutoCloseable {

  final VaultDatabase vault;
  final HikariDataSource owner;
  private final Path directory;

  BenchDatabase(String mode) {
    try {
      if (mode.equals("persistent")) {
        directory = Files.createTempDirectory("nexus-bench-pg");
        vault = VaultDatabase.embedded(directory.resolve("data"));
      } else {
        directory = null;
        vault = VaultDatabase.embeddedTemporary();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    DatabaseSettings settings = vault.settings();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(settings.jdbcUrl());
    config.setUsername(settings.ownerUser());
    config.setPassword(settings.ownerPassword().reveal());
    config.setMaximumPoolSize(settings.pool().maximumPoolSize());
    // The same connection properties as the vault's own pool, so only the role differs.
    config.addDataSourceProperty("currentSchema", VaultDatabase.SCHEMA);
    config.addDataSourceProperty("ApplicationName", "nexus-bench-owner");
    config.addDataSourceProperty("logServerErrorDetail", "false");
    config.addDataSourceProperty("tcpKeepAlive", "true");
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    config.addDataSourceProperty(
        "options", "-c statement_timeout=" + settings.pool().statementTimeout().toMillis());
    config.setMinimumIdle(settings.pool().minimumIdle());
    owner = new HikariDataSource(config);
  }

  @Override
  public void close() {
    owner.close();
    vault.close();
    if (directory != null) {
      try (Stream<Path> files = Files.walk(directory)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException e) {
        // A temporary directory left behind is harmless.
      }
    }
  }
}
