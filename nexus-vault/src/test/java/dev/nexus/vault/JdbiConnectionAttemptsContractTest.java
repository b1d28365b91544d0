package dev.nexus.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.vault.ConnectionAttempt;
import dev.nexus.core.vault.ConnectionAttempts;
import dev.nexus.core.vault.GrantKey;
import dev.nexus.core.vault.Pkce;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.testkit.contract.ConnectionAttemptsContract;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JdbiConnectionAttemptsContractTest extends ConnectionAttemptsContract {

  @Override
  protected ConnectionAttempts createAttempts() {
    return new JdbiConnectionAttempts(SharedDatabase.get().jdbi(), SharedDatabase.cipher());
  }

  @Test
  void neitherTheStateNorTheVerifier_isStoredInTheClear() {
    String state = "state-" + UUID.randomUUID();
    String verifier = Pkce.newVerifier();
    GrantKey key =
        new GrantKey(SharedDatabase.freshOrganization(), UserId.of("auth0|ann"), ProviderId.GMAIL);
    Instant now = Instant.parse("2026-12-04T09:00:00Z");
    createAttempts().begin(state, new ConnectionAttempt(key, verifier, now.plusSeconds(600)), now);

    byte[] stored =
        SharedDatabase.get()
            .jdbi()
            .withHandle(
                handle ->
                    handle
                        .createQuery(
                            "SELECT convert_to(row(connection_attempt.*)::text, 'UTF8')"
                                + " FROM connection_attempt WHERE state_hash = :hash")
                        .bind("hash", JdbiConnectionAttempts.hash(state))
                        .mapTo(byte[].class)
                        .one());

    String row = new String(stored, StandardCharsets.UTF_8);
    assertThat(row).contains("auth0|ann").doesNotContain(state).doesNotContain(verifier);
  }

  @Test
  void aVerifierMovedToAnotherUsersRow_doesNotDecrypt() {
    String mine = "state-" + UUID.randomUUID();
    String theirs = "state-" + UUID.randomUUID();
    Instant now = Instant.parse("2026-12-04T09:00:00Z");
    OrganizationId organization = SharedDatabase.freshOrganization();
    ConnectionAttempts attempts = createAttempts();
    attempts.begin(
        mine,
        new ConnectionAttempt(
            new GrantKey(organization, UserId.of("auth0|ann"), ProviderId.GMAIL),
            Pkce.newVerifier(),
            now.plusSeconds(600)),
        now);
    attempts.begin(
        theirs,
        new ConnectionAttempt(
            new GrantKey(organization, UserId.of("auth0|bob"), ProviderId.GMAIL),
            Pkce.newVerifier(),
            now.plusSeconds(600)),
        now);
    SharedDatabase.asSuperuser(
        "UPDATE nexus.connection_attempt SET verifier = (SELECT verifier FROM"
            + " nexus.connection_attempt WHERE state_hash = ?) WHERE state_hash = ?",
        JdbiConnectionAttempts.hash(mine),
        JdbiConnectionAttempts.hash(theirs));

    assertThatThrownBy(() -> attempts.take(theirs, ProviderId.GMAIL))
        .isInstanceOf(ConfigurationException.class);
  }
}
