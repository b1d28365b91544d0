package dev.nexus.testkit.memory;

import dev.nexus.core.authorization.RelationshipStore;
import dev.nexus.testkit.contract.RelationshipStoreContract;

class InMemoryRelationshipStoreTest extends RelationshipStoreContract {

  @Override
  protected RelationshipStore createStore() {
    return new InMemoryAuthorizer();
  }
}
