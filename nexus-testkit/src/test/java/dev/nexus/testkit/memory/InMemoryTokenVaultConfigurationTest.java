package dev.nexus.testkit.memory;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.error.ConfigurationException;
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
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InMemoryTokenVaultConfigurationTest {

  private final MutableClock clock = new MutableClock();

  @Test
  void accessToken_expiringGrantOfAProviderWithoutRefresher_failsNamingTheProvider() {
    InMemoryTokenVault vault = new InMemoryTokenVault(clock);
    GrantKey key = new GrantKey(OrganizationId.of("acme"), UserId.of("alice"), ProviderId.GMAIL);
    vault.store(
        OAuthGrant.issued(
            key,
            new IssuedTokens(
                Secret.of("at"), Secret.of("rt"), clock.instant().plusSeconds(30), Set.of(), null),
            clock.instant()));

    assertThatThrownBy(() -> vault.accessToken(key))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("gmail");
  }

  @Test
  void constructor_twoRefreshersForOneProvider_isRefused() {
    List<FakeTokenRefresher> refreshers =
        List.of(
            new FakeTokenRefresher(ProviderId.GMAIL, clock),
            new FakeTokenRefresher(ProviderId.GMAIL, clock));

    assertThatThrownBy(() -> new InMemoryTokenVault(clock, Duration.ofSeconds(60), refreshers))
        .isInstanceOf(ConfigurationException.class);
  }
}
