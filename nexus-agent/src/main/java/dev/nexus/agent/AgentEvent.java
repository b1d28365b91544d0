package dev.nexus.agent;

import dev.nexus.core.approval.Approval;
import dev.nexus.core.conversation.ConversationId;
import dev.nexus.core.tool.ToolCall;
import dev.nexus.core.tool.ToolCallId;
import dev.nexus.core.tool.ToolResult;
import java.util.Objects;

/**
 * What a turn reports as it runs, in order, so a server can stream it. Every turn ends with exactly
 * one {@link TurnCompleted}, {@link AwaitingApproval} or {@link TurnFailed}.
 */
public sealed interface AgentEvent {

  /** A piece of the model's text, as it is written. */
  record TextDelta(String text) implements AgentEvent {
    public TextDelta {
      Objects.requireNonNull(text, "text");
    }
  }

  /** The model asked for a tool call; the guard has not decided yet. */
  record ToolCallRequested(ToolCall call) implements AgentEvent {
    public ToolCallRequested {
      Objects.requireNonNull(call, "call");
    }
  }

  /** The guard refused a call (unknown tool, not authorized, invalid arguments). */
  record ToolCallDenied(ToolCall call, String reason) implements AgentEvent {
    public ToolCallDenied {
      Objects.requireNonNull(call, "call");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** A call was parked until a person approves it; the approval holds the exact call. */
  record ApprovalRequired(Approval approval) implements AgentEvent {
    public ApprovalRequired {
      Objects.requireNonNull(approval, "approval");
    }
  }

  /** A call ran (or was declined or expired) and this is what the model will see. */
  record ToolResultReady(ToolCallId callId, String toolName, ToolResult result)
      implements AgentEvent {
    public ToolResultReady {
      Objects.requireNonNull(callId, "callId");
      Objects.requireNonNull(toolName, "toolName");
      Objects.requireNonNull(result, "result");
    }
  }

  /** The turn finished with the model's final text. */
  record TurnCompleted(ConversationId conversation, String text) implements AgentEvent {
    public TurnCompleted {
      Objects.requireNonNull(conversation, "conversation");
      Objects.requireNonNull(text, "text");
    }
  }

  /** The turn paused: {@code pending} calls wait for a person's decision. */
  record AwaitingApproval(ConversationId conversation, int pending) implements AgentEvent {
    public AwaitingApproval {
      Objects.requireNonNull(conversation, "conversation");
    }
  }

  /** The turn stopped early; {@code reason} is safe to show the person. */
  record TurnFailed(ConversationId conversation, String reason) implements AgentEvent {
    public TurnFailed {
      Objects.requireNonNull(conversation, "conversation");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
