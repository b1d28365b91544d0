package dev.nexus.testkit.memory;

import dev.nexus.core.conversation.ConversationStore;
import dev.nexus.testkit.contract.ConversationStoreContract;

class InMemoryConversationStoreTest extends ConversationStoreContract {

  @Override
  protected ConversationStore createStore() {
    return new InMemoryConversationStore();
  }
}
