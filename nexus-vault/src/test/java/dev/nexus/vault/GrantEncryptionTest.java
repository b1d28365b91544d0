package dev.nexus.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.vault.GrantKey;
import dev.nexus.core.vault.IssuedTokens;
import dev.nexus.core.vault.OAuthGrant;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.core.vault.Secret;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class GrantEncryptionTest {

  private final JdbiTokenVault vault =
      JdbiTokenVault.builder(SharedDatabase.get(), SharedDatabase.cipher()).build();

  @Test
  void storedTokens_appearNowhereInTheDatabaseInPlainText() {
    // given
    OrganizationId organization = SharedDatabase.freshOrganization();
    List<String> tokens = new ArrayList<>();
    for (ProviderId provider : List.of(ProviderId.GMAIL, ProviderId.NOTION)) {
      String access = "ya29.known-access-" + UUID.randomUUID();
      String refresh = "1//known-refresh-" + UUID.randomUUID();
      tokens.add(access);
      tokens.add(refresh);
      vault.store(grant(new GrantKey(organization, UserId.of("alice"), provider), access, refresh));
    }

    // when
    String grantTable = dump("SELECT g::text FROM nexus.oauth_grant g");
    String everything = dumpEveryTable();

    // then
    assertThat(grantTable).contains(organization.value());
    for (String token : tokens) {
      String hex = HexFormat.of().formatHex(token.getBytes(StandardCharsets.UTF_8));
      assertThat(grantTable).doesNotContain(token).doesNotContain(hex);
      assertThat(everything).doesNotContain(token).doesNotContain(hex);
    }
  }

  @Test
  void ciphertextCopiedToAnotherRow_doesNotDecrypt() {
    // given
    OrganizationId organization = SharedDatabase.freshOrganization();
    GrantKey alice = new GrantKey(organization, UserId.of("alice"), ProviderId.GMAIL);
    GrantKey mallory = new GrantKey(organization, UserId.of("mallory"), ProviderId.GMAIL);
    vault.store(grant(alice, "at-alice", "rt-alice"));
    vault.store(grant(mallory, "at-mallory", "rt-mallory"));

    // when: someone with database access moves Alice's token into Mallory's row
    SharedDatabase.asSuperuser(
        "UPDATE nexus.oauth_grant SET access_token = (SELECT access_token FROM nexus.oauth_grant"
            + " WHERE organization_id = ? AND user_id = 'alice') WHERE organization_id = ?"
            + " AND user_id = 'mallory'",
        organization.value(),
        organization.value());

    // then
    assertThatThrownBy(() -> vault.find(mallory))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("does not decrypt");
    assertThat(vault.find(alice).orElseThrow().accessToken().reveal()).isEqualTo("at-alice");
  }

  @Test
  void ciphertextMovedToTheOtherColumn_doesNotDecrypt() {
    // given
    OrganizationId organization = SharedDatabase.freshOrganization();
    GrantKey key = new GrantKey(organization, UserId.of("alice"), ProviderId.GMAIL);
    vault.store(grant(key, "at-alice", "rt-alice"));

    // when
    SharedDatabase.asSuperuser(
        "UPDATE nexus.oauth_grant SET access_token = refresh_token WHERE organization_id = ?",
        organization.value());

    // then
    assertThatThrownBy(() -> vault.find(key)).isInstanceOf(ConfigurationException.class);
  }

  @Test
  void anotherKeyset_cannotReadTheGrants() {
    // given
    OrganizationId organization = SharedDatabase.freshOrganization();
    GrantKey key = new GrantKey(organization, UserId.of("alice"), ProviderId.GMAIL);
    vault.store(grant(key, "at-alice", "rt-alice"));
    JdbiTokenVault stranger =
        JdbiTokenVault.builder(
                SharedDatabase.get().jdbi(),
                GrantCipher.fromKeysetJson(GrantCipher.generateKeyset()))
            .build();

    // when / then
    assertThatThrownBy(() -> stranger.find(key)).isInstanceOf(ConfigurationException.class);
  }

  @Test
  void keysetAndCipher_printRedacted() {
    // given
    GrantCipher cipher = SharedDatabase.cipher();

    // when
    String printed = cipher.toString();

    // then
    assertThat(printed).contains("redacted").doesNotContain("value");
  }

  static OAuthGrant grant(GrantKey key, String access, String refresh) {
    Instant now = Instant.now();
    return OAuthGrant.issued(
        key,
        new IssuedTokens(
            Secret.of(access),
            refresh == null ? null : Secret.of(refresh),
            now.plus(Duration.ofHours(1)),
            Set.of("mail.read"),
            "alice@acme.test"),
        now);
  }

  private static String dump(String sql) {
    StringBuilder text = new StringBuilder();
    try (Connection connection = SharedDatabase.get().superuserDataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      while (result.next()) {
        text.append(result.getString(1)).append('\n');
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return text.toString();
  }

  /** Every row of every table outside the system catalogs, as text (bytea shows as hex). */
  private static String dumpEveryTable() {
    List<String> tables = new ArrayList<>();
    try (Connection connection = SharedDatabase.get().superuserDataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name)"
                    + " FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
                    + " AND table_schema NOT IN ('pg_catalog', 'information_schema')")) {
      while (result.next()) {
        tables.add(result.getString(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    assertThat(tables).contains("nexus.oauth_grant", "nexus.audit_event");
    StringBuilder all = new StringBuilder();
    for (String table : tables) {
      all.append(dump("SELECT t::text FROM " + table + " t"));
    }
    return all.toString();
  }
}
