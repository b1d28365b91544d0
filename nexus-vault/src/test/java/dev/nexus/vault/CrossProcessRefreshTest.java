package dev.nexus.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.error.RetriableException;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.vault.GrantKey;
import dev.nexus.core.vault.IssuedTokens;
import dev.nexus.core.vault.OAuthGrant;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.core.vault.Secret;
import dev.nexus.testkit.MutableClock;
import dev.nexus.testkit.contract.FakeTokenRefresher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two vault instances, each with its own connection pool, on one database: what two server
 * processes sharing PostgreSQL look like.
 */
class CrossProcessRefreshTest {

  private static VaultDatabase secondProcess;

  @BeforeAll
  static void openSecondPool() {
    secondProcess = VaultDatabase.connect(SharedDatabase.get().settings());
  }

  @AfterAll
  static void closeSecondPool() {
    secondProcess.close();
  }

  @Test
  void accessToken_100CallersOnTwoInstances_refreshOnce() throws Exception {
    // given
    MutableClock clock = new MutableClock();
    FakeTokenRefresher provider = new FakeTokenRefresher(ProviderId.GMAIL, clock);
    JdbiTokenVault first = vault(SharedDatabase.get(), clock, provider, Duration.ofSeconds(30));
    JdbiTokenVault second = vault(secondProcess, clock, provider, Duration.ofSeconds(30));
    GrantKey key = freshKey();
    first.store(grant(key, clock));
    clock.advance(Duration.ofHours(2));
    int callers = 100;
    CountDownLatch arrived = new CountDownLatch(callers);
    provider.holdUntil(arrived);

    // when
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    List<Future<String>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < callers; i++) {
        JdbiTokenVault vault = i % 2 == 0 ? first : second;
        answers.add(
            pool.submit(
                () -> {
                  arrived.countDown();
                  return vault.accessToken(key).reveal();
                }));
      }
      List<String> tokens = new ArrayList<>();
      for (Future<String> answer : answers) {
        tokens.add(answer.get());
      }

      // then
      assertThat(provider.calls()).isEqualTo(1);
      assertThat(tokens).hasSize(callers).containsOnly("access-1");
      assertThat(second.find(key).orElseThrow().accessToken().reveal()).isEqualTo("access-1");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void accessToken_grantLockedByAnotherProcessTooLong_isRetriableNotAProviderError() {
    // given: another process holds the grant's row lock and does not let go
    MutableClock clock = new MutableClock();
    FakeTokenRefresher provider = new FakeTokenRefresher(ProviderId.GMAIL, clock);
    JdbiTokenVault vault = vault(SharedDatabase.get(), clock, provider, Duration.ofMillis(300));
    GrantKey key = freshKey();
    vault.store(grant(key, clock));
    clock.advance(Duration.ofHours(2));

    try (Handle other = secondProcess.jdbi().open()) {
      other.begin();
      Tenancy.scope(other, key.organization());
      other
          .createQuery(
              "SELECT user_id FROM oauth_grant WHERE organization_id = :org AND user_id = :user"
                  + " FOR UPDATE")
          .bind("org", key.organization().value())
          .bind("user", key.user().value())
          .mapTo(String.class)
          .one();

      // when / then
      assertThatThrownBy(() -> vault.accessToken(key))
          .isInstanceOf(RetriableException.class)
          .hasMessageContaining("another caller");
      assertThat(provider.calls()).isZero();
      other.rollback();
    }

    // and once the lock is gone the refresh goes through
    assertThat(vault.accessToken(key).reveal()).isEqualTo("access-1");
  }

  private static JdbiTokenVault vault(
      VaultDatabase database, MutableClock clock, FakeTokenRefresher provider, Duration lock) {
    return JdbiTokenVault.builder(database, SharedDatabase.cipher())
        .clock(clock)
        .refresher(provider)
        .lockTimeout(lock)
        .build();
  }

  private static GrantKey freshKey() {
    OrganizationId organization = SharedDatabase.freshOrganization();
    return new GrantKey(organization, UserId.of("alice"), ProviderId.GMAIL);
  }

  private static OAuthGrant grant(GrantKey key, MutableClock clock) {
    return OAuthGrant.issued(
        key,
        new IssuedTokens(
            Secret.of("at-0"),
            Secret.of("rt-0"),
            clock.instant().plus(Duration.ofMinutes(5)),
            Set.of("mail.read"),
            null),
        clock.instant());
  }
}
