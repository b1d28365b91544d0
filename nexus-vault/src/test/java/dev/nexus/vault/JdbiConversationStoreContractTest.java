package dev.nexus.vault;

import dev.nexus.core.conversation.ConversationStore;
import dev.nexus.testkit.contract.ConversationStoreContract;

class JdbiConversationStoreContractTest extends ConversationStoreContract {

  @Override
  protected ConversationStore createStore() {
    return new JdbiConversationStore(SharedDatabase.get().jdbi());
  }
}
