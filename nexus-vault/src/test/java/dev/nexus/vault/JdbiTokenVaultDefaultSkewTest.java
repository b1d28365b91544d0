package dev.nexus.vault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.core.identity.UserId;
import dev.nexus.core.vault.AccessToken;
import dev.nexus.core.vault.GrantKey;
import dev.nexus.core.vault.IssuedTokens;
import dev.nexus.core.vault.OAuthGrant;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.core.vault.Secret;
import dev.nexus.testkit.MutableClock;
import dev.nexus.testkit.contract.FakeTokenRefresher;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A vault built without a skew refreshes tokens that expire within the next 60 seconds. */
class JdbiTokenVaultDefaultSkewTest {

  private final MutableClock clock = new MutableClock();
  private final FakeTokenRefresher gmail = new FakeTokenRefresher(ProviderId.GMAIL, clock);
  private final JdbiTokenVault vault =
      JdbiTokenVault.builder(SharedDatabase.get(), SharedDatabase.cipher())
          .clock(clock)
          .refresher(gmail)
          .build();

  @Test
  void defaultSkew_isSixtySeconds() {
    assertThat(JdbiTokenVault.DEFAULT_REFRESH_SKEW).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void accessToken_expiringIn59Seconds_isRefreshed_withTheDefaultSettings() {
    GrantKey key = storeGrantExpiringIn(Duration.ofSeconds(59));

    AccessToken token = vault.accessToken(key);

    assertThat(token.reveal()).isEqualTo("access-1");
    assertThat(gmail.receivedRefreshTokens()).containsExactly("rt-old");
  }

  @Test
  void accessToken_expiringIn61Seconds_isNotRefreshed_withTheDefaultSettings() {
    GrantKey key = storeGrantExpiringIn(Duration.ofSeconds(61));

    AccessToken token = vault.accessToken(key);

    assertThat(token.reveal()).isEqualTo("at-old");
    assertThat(gmail.calls()).isZero();
  }

  @Test
  void accessToken_onceTheClockReachesTheSkew_isRefreshed() {
    GrantKey key = storeGrantExpiringIn(Duration.ofSeconds(61));
    vault.accessToken(key);
    clock.advance(Duration.ofSeconds(2));

    AccessToken token = vault.accessToken(key);

    assertThat(token.reveal()).isEqualTo("access-1");
    assertThat(gmail.calls()).isEqualTo(1);
  }

  private GrantKey storeGrantExpiringIn(Duration lifetime) {
    GrantKey key =
        new GrantKey(SharedDatabase.freshOrganization(), UserId.of("alice"), ProviderId.GMAIL);
    vault.store(
        OAuthGrant.issued(
            key,
            new IssuedTokens(
                Secret.of("at-old"),
                Secret.of("rt-old"),
                clock.instant().plus(lifetime),
                Set.of("scope-a"),
                null),
            clock.instant()));
    return key;
  }
}
