package dev.nexus.vault;

import dev.nexus.core.identity.OrganizationId;
import java.util.UUID;

/**
 * One embedded PostgreSQL for every test of this module, started on first use and stopped when the
 * JVM exits. Tests stay apart by using fresh organization ids.
 */
final class SharedDatabase {

  private static VaultDatabase database;

  private SharedDatabase() {}

  static synchronized VaultDatabase get() {
    if (database == null) {
      database = VaultDatabase.embeddedTemporary();
      VaultDatabase started = database;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "vault-test-db-stop"));
    }
    return database;
  }

  /** A fresh organization id no other test uses. */
  static OrganizationId freshOrganization() {
    return OrganizationId.of("org-" + UUID.randomUUID());
  }
}
