package dev.nexus.core.conversation;

import dev.nexus.core.conversation.ChatMessage.AssistantMessage;
import dev.nexus.core.conversation.ChatMessage.ToolResultMessage;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.tool.ToolCall;
import dev.nexus.core.tool.ToolCallId;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A conversation of one user in one organization, with every message in order. The messages are
 * enough to resume a turn that paused for an approval.
 */
public record Conversation(
    ConversationId id,
    OrganizationId organization,
    UserId owner,
    String title,
    Instant createdAt,
    List<ChatMessage> messages) {

  public Conversation {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(createdAt, "createdAt");
    messages = List.copyOf(messages);
  }

  /** A new conversation with no messages. */
  public static Conversation start(
      OrganizationId organization, UserId owner, String title, Instant now) {
    return new Conversation(ConversationId.random(), organization, owner, title, now, List.of());
  }

  /**
   * The tool calls of the last assistant message that have no result yet, in the order the model
   * asked for them. A turn can only continue once this is empty.
   */
  public List<ToolCall> unansweredToolCalls() {
    Set<ToolCallId> answered = new HashSet<>();
    for (int i = messages.size() - 1; i >= 0; i--) {
      ChatMessage message = messages.get(i);
      if (message instanceof ToolResultMessage result) {
        answered.add(result.callId());
      } else if (message instanceof AssistantMessage assistant) {
        return assistant.toolCalls().stream().filter(c -> !answered.contains(c.id())).toList();
      } else {
        return List.of();
      }
    }
    return List.of();
  }
}
