package dev.nexus.testkit.memory;

import dev.nexus.core.vault.TokenRefresher;
import dev.nexus.core.vault.TokenVault;
import dev.nexus.testkit.contract.TokenVaultContract;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

class InMemoryTokenVaultTest extends TokenVaultContract {

  @Override
  protected TokenVault createVault(
      Clock clock, Duration refreshSkew, List<TokenRefresher> refreshers) {
    return new InMemoryTokenVault(clock, refreshSkew, refreshers);
  }
}
