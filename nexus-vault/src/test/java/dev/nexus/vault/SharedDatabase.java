package dev.nexus.vault;

import dev.nexus.core.identity.OrganizationId;
import java.util.UUID;

/**
 * One embedded PostgreSQL for every test of this module, started on first use and stopped when the
 * JVM exits. Tests stay apart by using fresh organization ids.
 */
final class SharedDatabase {

  private static VaultDatabase database;
  private static final String KEYSET = GrantCipher.generateKeyset();

  private SharedDatabase() {}

  static synchronized VaultDatabase get() {
    if (database == null) {
      database = VaultDatabase.embeddedTemporary();
      VaultDatabase started = database;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "vault-test-db-stop"));
    }
    return database;
  }

  /** The keyset every test vault shares (tests that rotate make their own). */
  static String keyset() {
    return KEYSET;
  }

  static GrantCipher cipher() {
    return GrantCipher.fromKeysetJson(KEYSET);
  }

  /** Runs {@code sql} as the embedded server's superuser, behind the application's back. */
  static int asSuperuser(String sql, Object... parameters) {
    try (java.sql.Connection connection = get().superuserDataSource().getConnection();
        java.sql.PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      return statement.executeUpdate();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("superuser statement failed", e);
    }
  }

  /** A fresh organization id no other test uses. */
  static OrganizationId freshOrganization() {
    return OrganizationId.of("org-" + UUID.randomUUID());
  }
}
