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
import org.junit.jupiter.api.Test;

class JdbiConnectionAttemptsContractTest extends ConnectionAttemptsContract {

  @Override
  protected ConnectionAttempts createAttempts() {
    return new JdbiConnectionAttempts(SharedDatabase.get().jdbi(), SharedDatabase.cipher());
  }

  private static final Instant NOW = Instant.parse("2026-12-04T09:00:00Z");

  private static ConnectionAttempt attempt(OrganizationId organization, String user) {
    return new ConnectionAttempt(
        new GrantKey(organization, UserId.of(user), ProviderId.GMAIL),
        Pkce.newVerifier(),
        NOW.plusSeconds(600));
  }

  private static String handle(String state) {
    return state.substring(0, state.indexOf('.'));
  }

  @Test
  void neitherTheStateNorTheVerifier_isStoredInTheClear() {
    ConnectionAttempt attempt = attempt(SharedDatabase.freshOrganization(), "auth0|ann");
    String state = createAttempts().begin(attempt, NOW);

    byte[] stored =
        SharedDatabase.get()
            .jdbi()
            .withHandle(
                handle ->
                    handle
                        .createQuery(
                            "SELECT convert_to(row(connection_attempt.*)::text, 'UTF8')"
                                + " FROM connection_attempt WHERE state_hash = :hash")
                        .bind("hash", JdbiConnectionAttempts.hash(handle(state)))
                        .mapTo(byte[].class)
                        .one());

    String row = new String(stored, StandardCharsets.UTF_8);
    assertThat(row)
        .contains("auth0|ann")
        .doesNotContain(handle(state))
        .doesNotContain(attempt.verifier());
  }

  @Test
  void aStateSignedByAnotherKeyset_isRefused_andTheAttemptStays() {
    ConnectionAttempts ours = createAttempts();
    ConnectionAttempt attempt = attempt(SharedDatabase.freshOrganization(), "auth0|ann");
    String state = ours.begin(attempt, NOW);
    ConnectionAttempts otherKeys =
        new JdbiConnectionAttempts(
            SharedDatabase.get().jdbi(), GrantCipher.fromKeysetJson(GrantCipher.generateKeyset()));

    assertThat(otherKeys.take(state, ProviderId.GMAIL)).isEmpty();
    assertThat(ours.take(state, ProviderId.GMAIL)).contains(attempt);
  }

  @Test
  void aRowEditedToNameAnotherUser_doesNotOpen() {
    OrganizationId organization = SharedDatabase.freshOrganization();
    ConnectionAttempts attempts = createAttempts();
    String state = attempts.begin(attempt(organization, "auth0|ann"), NOW);
    SharedDatabase.asSuperuser(
        "UPDATE nexus.connection_attempt SET user_id = 'auth0|mallory' WHERE state_hash = ?",
        JdbiConnectionAttempts.hash(handle(state)));

    assertThatThrownBy(() -> attempts.take(state, ProviderId.GMAIL))
        .isInstanceOf(ConfigurationException.class);
  }
}
