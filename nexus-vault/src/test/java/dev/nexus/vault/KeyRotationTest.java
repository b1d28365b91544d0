package dev.nexus.vault;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.vault.GrantKey;
import dev.nexus.core.vault.ProviderId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rotation runs over every grant, so it gets a database of its own. */
class KeyRotationTest {

  private static VaultDatabase database;

  @BeforeAll
  static void start() {
    database = VaultDatabase.embeddedTemporary();
  }

  @AfterAll
  static void stop() {
    database.close();
  }

  @Test
  void rotation_newKeyEncryptsNewWrites_oldRowsStillDecrypt_reencryptionMovesThem()
      throws Exception {
    // given: grants written under the first key
    String first = GrantCipher.generateKeyset();
    OrganizationId acme = OrganizationId.of("acme");
    OrganizationId globex = OrganizationId.of("globex");
    GrantKey old1 = new GrantKey(acme, UserId.of("alice"), ProviderId.GMAIL);
    GrantKey old2 = new GrantKey(globex, UserId.of("bob"), ProviderId.NOTION);
    JdbiTokenVault before = vault(first);
    before.store(GrantEncryptionTest.grant(old1, "at-1", "rt-1"));
    before.store(GrantEncryptionTest.grant(old2, "at-2", null));
    long firstKey = GrantCipher.fromKeysetJson(first).primaryKeyId();

    // when: the keyset is rotated
    String rotated = GrantCipher.rotate(first);
    GrantCipher rotatedCipher = GrantCipher.fromKeysetJson(rotated);
    JdbiTokenVault after = vault(rotated);
    GrantKey fresh = new GrantKey(acme, UserId.of("carol"), ProviderId.GMAIL);
    after.store(GrantEncryptionTest.grant(fresh, "at-3", "rt-3"));

    // then: a new primary encrypts new writes, old rows still decrypt
    assertThat(rotatedCipher.primaryKeyId()).isNotEqualTo(firstKey);
    assertThat(keyIds())
        .containsExactlyInAnyOrder(firstKey, firstKey, rotatedCipher.primaryKeyId());
    assertThat(after.find(old1).orElseThrow().accessToken().reveal()).isEqualTo("at-1");
    assertThat(after.find(old2).orElseThrow().accessToken().reveal()).isEqualTo("at-2");

    // when: the re-encryption pass runs
    int moved = after.reencryptAll();

    // then: every row is under the new key, and a keyset without the old key reads them all
    assertThat(moved).isEqualTo(2);
    assertThat(new HashSet<>(keyIds())).containsExactly(rotatedCipher.primaryKeyId());
    JdbiTokenVault newKeyOnly = vault(withoutOldKeys(rotated));
    assertThat(newKeyOnly.find(old1).orElseThrow().refreshToken().reveal()).isEqualTo("rt-1");
    assertThat(newKeyOnly.find(old2).orElseThrow().accessToken().reveal()).isEqualTo("at-2");
    assertThat(newKeyOnly.find(fresh).orElseThrow().accessToken().reveal()).isEqualTo("at-3");
    assertThat(after.reencryptAll()).isZero();
  }

  private static JdbiTokenVault vault(String keyset) {
    return JdbiTokenVault.builder(database, GrantCipher.fromKeysetJson(keyset)).build();
  }

  private static java.util.List<Long> keyIds() throws SQLException {
    java.util.List<Long> ids = new java.util.ArrayList<>();
    try (Connection connection = database.superuserDataSource().getConnection();
        PreparedStatement statement =
            connection.prepareStatement("SELECT key_id FROM nexus.oauth_grant");
        ResultSet result = statement.executeQuery()) {
      while (result.next()) {
        ids.add(result.getLong(1));
      }
    }
    return ids;
  }

  /** The keyset with only its primary key left. */
  private static String withoutOldKeys(String keyset) throws Exception {
    KeysetHandle handle =
        TinkJsonProtoKeysetFormat.parseKeyset(keyset, InsecureSecretKeyAccess.get());
    KeysetHandle.Builder builder = KeysetHandle.newBuilder(handle);
    Set<Integer> remove = new HashSet<>();
    for (int i = 0; i < builder.size(); i++) {
      if (!builder.getAt(i).isPrimary()) {
        remove.add(i);
      }
    }
    for (int i = builder.size() - 1; i >= 0; i--) {
      if (remove.contains(i)) {
        builder.deleteAt(i);
      }
    }
    return TinkJsonProtoKeysetFormat.serializeKeyset(
        builder.build(), InsecureSecretKeyAccess.get());
  }
}
