package dev.nexus.vault;

import dev.nexus.core.authorization.RelationshipStore;
import dev.nexus.testkit.contract.RelationshipStoreContract;

class JdbiRelationshipStoreContractTest extends RelationshipStoreContract {

  @Override
  protected RelationshipStore createStore() {
    return new JdbiRelationshipStore(SharedDatabase.get().jdbi());
  }
}
