package dev.nexus.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.identity.Organization;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.vault.Secret;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VaultDatabaseTest {

  @TempDir Path directory;

  @Test
  void embedded_connectsAsTheApplicationRoleSubjectToRowLevelSecurity() {
    // given
    VaultDatabase database = SharedDatabase.get();

    // when
    Object[] role =
        database
            .jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles"
                                + " WHERE rolname = current_user")
                        .map(
                            (row, context) ->
                                new Object[] {
                                  row.getString(1), row.getBoolean(2), row.getBoolean(3)
                                })
                        .one());

    // then
    assertThat(role).containsExactly(VaultDatabase.EMBEDDED_APP, false, false);
  }

  @Test
  void connect_asTheTableOwner_isRefused() {
    // given: the owner as application role would bypass every policy
    DatabaseSettings shared = SharedDatabase.get().settings();
    DatabaseSettings ownerAsApp =
        new DatabaseSettings(
            shared.jdbcUrl(),
            null,
            null,
            shared.ownerUser(),
            shared.ownerPassword(),
            shared.pool());

    // when / then
    assertThatThrownBy(() -> VaultDatabase.connect(ownerAsApp))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("row-level security");
  }

  @Test
  void connect_asASuperuser_isRefused() {
    // given
    DatabaseSettings shared = SharedDatabase.get().settings();
    DatabaseSettings superuser =
        new DatabaseSettings(
            shared.jdbcUrl(), null, null, "postgres", Secret.of("unused"), shared.pool());

    // when / then
    assertThatThrownBy(() -> VaultDatabase.connect(superuser))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("superuser");
  }

  @Test
  void settings_sameRoleForOwnerAndApplication_isRefused() {
    assertThatThrownBy(
            () ->
                new DatabaseSettings(
                    "jdbc:postgresql://db/nexus",
                    "nexus",
                    null,
                    "nexus",
                    null,
                    PoolSettings.defaults()))
        .isInstanceOf(ConfigurationException.class);
  }

  @Test
  void settings_printWithoutPasswords() {
    DatabaseSettings settings =
        new DatabaseSettings(
            "jdbc:postgresql://db/nexus?password=hunter2",
            "nexus_owner",
            Secret.of("owner-secret"),
            "nexus_app",
            Secret.of("app-secret"),
            PoolSettings.defaults());

    assertThat(settings.toString()).doesNotContain("owner-secret", "app-secret", "hunter2");
  }

  @Test
  void embeddedWithDataDirectory_keepsItsDataAcrossRestarts() {
    // given
    Path data = directory.resolve("postgres");
    OrganizationId acme = OrganizationId.of("acme");
    try (VaultDatabase first = VaultDatabase.embedded(data)) {
      new JdbiOrganizationDirectory(first.jdbi())
          .createIfAbsent(new Organization(acme, "Acme", false, Instant.now()));
    }

    // when
    try (VaultDatabase second = VaultDatabase.embedded(data)) {

      // then
      assertThat(new JdbiOrganizationDirectory(second.jdbi()).find(acme))
          .map(Organization::name)
          .contains("Acme");
    }
  }
}
