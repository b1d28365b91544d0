package dev.nexus.core.conversation;

import dev.nexus.core.Identifiers;
import java.util.UUID;

/** Identifies a conversation. */
public record ConversationId(String value) {

  public ConversationId {
    Identifiers.check("conversation id", value);
  }

  /** A new random id. */
  public static ConversationId random() {
    return new ConversationId(UUID.randomUUID().toString());
  }

  @Override
  public String toString() {
    return value;
  }
}
