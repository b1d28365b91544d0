package dev.nexus.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.vault.GrantKey;
import dev.nexus.core.vault.ProviderId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VaultKeysTest {

  private static final GrantKey KEY =
      new GrantKey(OrganizationId.of("acme"), UserId.of("alice"), ProviderId.GMAIL);

  @TempDir Path directory;

  @Test
  void production_withoutAKeyset_refusesToStartNamingTheSetting() {
    // given
    Map<String, String> environment = Map.of("HOME", "/root");

    // when / then
    assertThatThrownBy(() -> VaultKeys.fromEnvironment(environment))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(VaultKeys.KEYSET_FILE_ENV)
        .hasMessageContaining(VaultKeys.KEYSET_ENV);
  }

  @Test
  void production_keysetFromEnvironmentOrFile_decryptsTheSame() throws Exception {
    // given
    String keyset = GrantCipher.generateKeyset();
    Path file = Files.writeString(directory.resolve("keyset.json"), keyset);

    // when
    GrantCipher inline = VaultKeys.fromEnvironment(Map.of(VaultKeys.KEYSET_ENV, keyset));
    GrantCipher fromFile =
        VaultKeys.fromEnvironment(Map.of(VaultKeys.KEYSET_FILE_ENV, file.toString()));

    // then
    byte[] ciphertext = inline.encrypt(KEY, "access_token", "at-1");
    assertThat(fromFile.decrypt(KEY, "access_token", ciphertext)).isEqualTo("at-1");
  }

  @Test
  void production_invalidKeyset_isAClearConfigurationError() {
    // given
    Map<String, String> environment = Map.of(VaultKeys.KEYSET_ENV, "{\"not\": \"a keyset\"}");

    // when / then
    assertThatThrownBy(() -> VaultKeys.fromEnvironment(environment))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith(VaultKeys.KEYSET_ENV + " is refused (its value is secret")
        .hasMessageContaining("not a valid Tink JSON keyset")
        .hasMessageNotContaining("not\": ");
  }

  @Test
  void production_unreadableKeysetFile_namesTheVariableAndThePath() {
    // given
    Path missing = directory.resolve("missing.json");

    // when / then
    assertThatThrownBy(
            () -> VaultKeys.fromEnvironment(Map.of(VaultKeys.KEYSET_FILE_ENV, missing.toString())))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith(VaultKeys.KEYSET_FILE_ENV + "=" + missing + " is refused");
  }

  @Test
  void blankVariables_countAsUnset() {
    // given
    Map<String, String> blank =
        Map.of(VaultKeys.KEYSET_ENV, "  \n", VaultKeys.KEYSET_FILE_ENV, " ");

    // when / then
    assertThat(VaultKeys.isConfigured(blank)).isFalse();
    assertThat(VaultKeys.isConfigured(Map.of(VaultKeys.KEYSET_FILE_ENV, "/k.json"))).isTrue();
    assertThat(VaultKeys.isConfigured(Map.of(VaultKeys.KEYSET_ENV, "{}"))).isTrue();
    assertThatThrownBy(() -> VaultKeys.fromEnvironment(blank))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("no vault keyset is configured");
  }

  @Test
  void production_bothVariables_isRefused() {
    assertThatThrownBy(
            () ->
                VaultKeys.fromEnvironment(
                    Map.of(VaultKeys.KEYSET_ENV, "x", VaultKeys.KEYSET_FILE_ENV, "y")))
        .isInstanceOf(ConfigurationException.class);
  }

  @Test
  void sandbox_createsItsKeysetOnceAndKeepsIt() throws Exception {
    // given
    GrantCipher first = VaultKeys.sandbox(directory);
    byte[] ciphertext = first.encrypt(KEY, "access_token", "at-1");

    // when
    GrantCipher second = VaultKeys.sandbox(directory);

    // then
    Path file = directory.resolve(VaultKeys.SANDBOX_KEYSET_FILE);
    assertThat(second.decrypt(KEY, "access_token", ciphertext)).isEqualTo("at-1");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }
}
