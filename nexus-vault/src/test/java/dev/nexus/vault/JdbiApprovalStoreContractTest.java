package dev.nexus.vault;

import dev.nexus.core.approval.ApprovalStore;
import dev.nexus.testkit.contract.ApprovalStoreContract;

class JdbiApprovalStoreContractTest extends ApprovalStoreContract {

  @Override
  protected ApprovalStore createStore() {
    return new JdbiApprovalStore(SharedDatabase.get().jdbi());
  }
}
