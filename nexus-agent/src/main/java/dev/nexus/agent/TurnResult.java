package dev.nexus.agent;

import dev.nexus.core.approval.ApprovalId;
import dev.nexus.core.conversation.ConversationId;
import java.util.List;
import java.util.Objects;

/**
 * How a turn ended: its status, the final text (the answer, or why it failed; empty while awaiting
 * approval) and the approvals it is waiting for.
 */
public record TurnResult(
    ConversationId conversation, TurnStatus status, String text, List<ApprovalId> pending) {

  public TurnResult {
    Objects.requireNonNull(conversation, "conversation");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(text, "text");
    pending = List.copyOf(pending);
  }
}
