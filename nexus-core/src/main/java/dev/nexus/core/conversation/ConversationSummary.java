package dev.nexus.core.conversation;

import dev.nexus.core.identity.UserId;
import java.time.Instant;
import java.util.Objects;

/** A conversation as listed, without its messages. */
public record ConversationSummary(
    ConversationId id, UserId owner, String title, Instant createdAt, int messageCount) {

  public ConversationSummary {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
