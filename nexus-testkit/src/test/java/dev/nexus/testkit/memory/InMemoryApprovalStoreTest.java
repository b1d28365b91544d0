package dev.nexus.testkit.memory;

import dev.nexus.core.approval.ApprovalStore;
import dev.nexus.testkit.contract.ApprovalStoreContract;

class InMemoryApprovalStoreTest extends ApprovalStoreContract {

  @Override
  protected ApprovalStore createStore() {
    return new InMemoryApprovalStore();
  }
}
