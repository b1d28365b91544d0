package dev.nexus.vault;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.error.RetriableException;
import dev.nexus.core.vault.Secret;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vault's PostgreSQL: a connection pool of the application role, a configured {@link Jdbi} on
 * it, and, for the embedded modes, the server itself. Create one per process with {@link
 * #embeddedTemporary()}, {@link #embedded(Path)} or {@link #connect(DatabaseSettings)}, build the
 * adapters on {@link #jdbi()}, and close it on shutdown.
 *
 * <p>Opening it migrates the schema with Flyway (as the owner role) and then checks that the
 * application role is really subject to row-level security.
 */
public final class VaultDatabase implements AutoCloseable {

  /** The schema every table lives in. */
  public static final String SCHEMA = "nexus";

  /** The transaction-local setting the row-level security policies compare with. */
  public static final String ORGANIZATION_SETTING = "nexus.organization";

  static final String EMBEDDED_OWNER = "nexus_owner";
  static final String EMBEDDED_APP = "nexus_app";
  private static final String EMBEDDED_DATABASE = "nexus";

  private static final Logger LOG = LoggerFactory.getLogger(VaultDatabase.class);

  private final DatabaseSettings settings;
  private final HikariDataSource pool;
  private final Jdbi jdbi;
  private final EmbeddedPostgres embedded;

  private VaultDatabase(DatabaseSettings settings, EmbeddedPostgres embedded) {
    this.settings = settings;
    this.embedded = embedded;
    if (settings.migrates()) {
      migrate(settings);
    }
    this.pool = openPool(settings);
    try {
      checkApplicationRole(pool);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    this.jdbi = configure(Jdbi.create(pool));
  }

  /**
   * A fresh embedded PostgreSQL in a temporary directory that is deleted on {@link #close()}: for
   * tests.
   */
  public static VaultDatabase embeddedTemporary() {
    return startEmbedded(null);
  }

  /**
   * An embedded PostgreSQL keeping its data in {@code dataDirectory} (created when absent, reused
   * when present): for the sandbox.
   */
  public static VaultDatabase embedded(Path dataDirectory) {
    return startEmbedded(Objects.requireNonNull(dataDirectory, "dataDirectory"));
  }

  /** Any PostgreSQL 14 or newer, by URL and roles: for production. */
  public static VaultDatabase connect(DatabaseSettings settings) {
    return new VaultDatabase(Objects.requireNonNull(settings, "settings"), null);
  }

  private static VaultDatabase startEmbedded(Path dataDirectory) {
    EmbeddedPostgres server = EmbeddedPostgresLauncher.start(dataDirectory);
    try {
      DatabaseSettings settings = prepareEmbedded(server);
      return new VaultDatabase(settings, server);
    } catch (RuntimeException e) {
      closeQuietly(server);
      throw e;
    }
  }

  /** Creates the owner and application roles and the database, with fresh passwords. */
  private static DatabaseSettings prepareEmbedded(EmbeddedPostgres server) {
    Secret ownerPassword = Secret.of(randomPassword());
    Secret appPassword = Secret.of(randomPassword());
    try (Connection connection = server.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      ensureRole(connection, EMBEDDED_OWNER, ownerPassword, "NOSUPERUSER NOCREATEDB");
      ensureRole(connection, EMBEDDED_APP, appPassword, "NOSUPERUSER NOCREATEDB NOBYPASSRLS");
      try (ResultSet exists =
          statement.executeQuery(
              "SELECT 1 FROM pg_database WHERE datname = '" + EMBEDDED_DATABASE + "'")) {
        if (!exists.next()) {
          statement.execute(
              "CREATE DATABASE "
                  + EMBEDDED_DATABASE
                  + " OWNER "
                  + EMBEDDED_OWNER
                  + " ENCODING 'UTF8'");
        }
      }
      statement.execute("REVOKE ALL ON DATABASE " + EMBEDDED_DATABASE + " FROM PUBLIC");
      statement.execute("GRANT CONNECT ON DATABASE " + EMBEDDED_DATABASE + " TO " + EMBEDDED_APP);
    } catch (SQLException e) {
      throw new ConfigurationException("the embedded PostgreSQL could not be prepared", e);
    }
    String url = "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/" + EMBEDDED_DATABASE;
    return new DatabaseSettings(
        url, EMBEDDED_OWNER, ownerPassword, EMBEDDED_APP, appPassword, PoolSettings.defaults());
  }

  private static void ensureRole(
      Connection connection, String role, Secret password, String attributes) throws SQLException {
    boolean exists;
    try (PreparedStatement query =
        connection.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
      query.setString(1, role);
      try (ResultSet result = query.executeQuery()) {
        exists = result.next();
      }
    }
    // The password is hex, so it needs no escaping inside the literal.
    String sql =
        (exists ? "ALTER ROLE " : "CREATE ROLE ")
            + role
            + " LOGIN "
            + attributes
            + " PASSWORD '"
            + password.reveal()
            + "'";
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static String randomPassword() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static void migrate(DatabaseSettings settings) {
    try {
      Flyway.configure()
          .dataSource(
              settings.jdbcUrl(),
              settings.ownerUser(),
              settings.ownerPassword() == null ? null : settings.ownerPassword().reveal())
          .schemas(SCHEMA)
          .defaultSchema(SCHEMA)
          .createSchemas(true)
          .cleanDisabled(true)
          .locations("classpath:dev/nexus/vault/migration")
          .placeholders(Map.of("app_role", settings.appUser()))
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new ConfigurationException(
          "migrating the vault schema as role "
              + settings.ownerUser()
              + " failed (the application role "
              + settings.appUser()
              + " must exist first)",
          e);
    }
  }

  private static HikariDataSource openPool(DatabaseSettings settings) {
    PoolSettings pool = settings.pool();
    HikariConfig config = new HikariConfig();
    config.setPoolName("nexus-vault");
    config.setJdbcUrl(settings.jdbcUrl());
    config.setUsername(settings.appUser());
    if (settings.appPassword() != null) {
      config.setPassword(settings.appPassword().reveal());
    }
    config.setMaximumPoolSize(pool.maximumPoolSize());
    config.setMinimumIdle(pool.minimumIdle());
    config.setConnectionTimeout(pool.connectionTimeout().toMillis());
    config.setIdleTimeout(pool.idleTimeout().toMillis());
    config.setMaxLifetime(pool.maxLifetime().toMillis());
    config.setInitializationFailTimeout(pool.connectionTimeout().toMillis());
    Properties properties = new Properties();
    properties.setProperty("currentSchema", SCHEMA);
    properties.setProperty("ApplicationName", "nexus-vault");
    // Server error details can quote row values (for example a duplicate key): keep them out of
    // exception messages.
    properties.setProperty("logServerErrorDetail", "false");
    properties.setProperty("tcpKeepAlive", "true");
    properties.setProperty("reWriteBatchedInserts", "true");
    if (!pool.statementTimeout().isZero()) {
      properties.setProperty(
          "options", "-c statement_timeout=" + pool.statementTimeout().toMillis());
    }
    config.setDataSourceProperties(properties);
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new RetriableException(
          "the vault database is not reachable as role " + settings.appUser(), null, e);
    }
  }

  /** Refuses an application role that row-level security would not apply to. */
  private static void checkApplicationRole(DataSource dataSource) {
    String sql =
        "SELECT r.rolsuper, r.rolbypassrls, "
            + " EXISTS (SELECT 1 FROM pg_tables t WHERE t.schemaname = ? "
            + "   AND t.tableowner = current_user) AS owns_tables "
            + "FROM pg_roles r WHERE r.rolname = current_user";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, SCHEMA);
      try (ResultSet result = statement.executeQuery()) {
        if (!result.next()) {
          throw new ConfigurationException("the vault application role could not be inspected");
        }
        if (result.getBoolean(1) || result.getBoolean(2) || result.getBoolean(3)) {
          throw new ConfigurationException(
              "the vault application role must not be a superuser, have BYPASSRLS or own the"
                  + " vault tables, or row-level security does not apply to it");
        }
      }
    } catch (SQLException e) {
      throw new RetriableException("the vault database could not be checked", null, e);
    }
  }

  /** Applies the settings every vault Jdbi needs: no bound values in exception messages. */
  static Jdbi configure(Jdbi jdbi) {
    jdbi.installPlugin(new PostgresPlugin());
    jdbi.getConfig(StatementExceptions.class).setMessageRendering(SafeMessages::render);
    jdbi.getConfig(SqlStatements.class).setUnusedBindingAllowed(true);
    return jdbi;
  }

  /** The Jdbi of the application role, configured for the vault's adapters. */
  public Jdbi jdbi() {
    return jdbi;
  }

  /** The application role's pool. */
  public DataSource dataSource() {
    return pool;
  }

  /**
   * How this database was reached, including the roles' passwords (for embedded databases, the ones
   * generated at start): enough for a second process to open another pool on the same database.
   */
  public DatabaseSettings settings() {
    return settings;
  }

  /** Whether this process started the server. */
  public boolean isEmbedded() {
    return embedded != null;
  }

  /**
   * A connection as the embedded server's superuser, for tests that need to look behind the
   * application role's back (dumping every table, tampering with the audit log).
   *
   * @throws IllegalStateException when the database is not embedded
   */
  DataSource superuserDataSource() {
    if (embedded == null) {
      throw new IllegalStateException("only an embedded database has a known superuser");
    }
    return embedded.getDatabase("postgres", EMBEDDED_DATABASE);
  }

  @Override
  public void close() {
    pool.close();
    if (embedded != null) {
      closeQuietly(embedded);
    }
  }

  private static void closeQuietly(EmbeddedPostgres server) {
    try {
      server.close();
    } catch (IOException e) {
      LOG.warn("The embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
    }
  }
}
