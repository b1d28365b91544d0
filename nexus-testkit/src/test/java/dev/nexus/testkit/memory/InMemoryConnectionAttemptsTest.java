package dev.nexus.testkit.memory;

import dev.nexus.core.vault.ConnectionAttempts;
import dev.nexus.testkit.contract.ConnectionAttemptsContract;

class InMemoryConnectionAttemptsTest extends ConnectionAttemptsContract {

  @Override
  protected ConnectionAttempts createAttempts() {
    return new InMemoryConnectionAttempts();
  }
}
