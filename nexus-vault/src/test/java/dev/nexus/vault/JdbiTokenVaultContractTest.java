package dev.nexus.vault;

import dev.nexus.core.vault.TokenRefresher;
import dev.nexus.core.vault.TokenVault;
import dev.nexus.testkit.contract.TokenVaultContract;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

class JdbiTokenVaultContractTest extends TokenVaultContract {

  @Override
  protected TokenVault createVault(
      Clock clock, Duration refreshSkew, List<TokenRefresher> refreshers) {
    return JdbiTokenVault.builder(SharedDatabase.get(), SharedDatabase.cipher())
        .clock(clock)
        .refreshSkew(refreshSkew)
        .refreshers(refreshers)
        .build();
  }
}
