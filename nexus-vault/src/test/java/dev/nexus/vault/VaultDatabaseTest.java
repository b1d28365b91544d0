package dev.nexus.vault;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VaultDatabaseTest {

  @Test
  void embedded_connectsAsTheApplicationRole() {
    // given
    VaultDatabase database = SharedDatabase.get();

    // when
    String user =
        database
            .jdbi()
            .withHandle(h -> h.createQuery("SELECT current_user").mapTo(String.class).one());

    // then
    assertThat(user).isEqualTo(VaultDatabase.EMBEDDED_APP);
  }
}
