package dev.nexus.core.conversation;

import dev.nexus.core.tool.ToolCall;
import dev.nexus.core.tool.ToolCallId;
import dev.nexus.core.tool.ToolResult;
import java.util.List;
import java.util.Objects;

/**
 * One message of a conversation: what the person wrote, what the model answered (text and/or tool
 * calls), or the result of one tool call.
 */
public sealed interface ChatMessage {

  /** Text the person wrote. */
  record UserMessage(String text) implements ChatMessage {
    public UserMessage {
      Objects.requireNonNull(text, "text");
    }
  }

  /** The model's answer: text (may be empty) and the tool calls it asked for (may be none). */
  record AssistantMessage(String text, List<ToolCall> toolCalls) implements ChatMessage {
    public AssistantMessage {
      Objects.requireNonNull(text, "text");
      toolCalls = List.copyOf(toolCalls);
    }

    public static AssistantMessage text(String text) {
      return new AssistantMessage(text, List.of());
    }
  }

  /** The result of the tool call {@code callId}, exactly as the tool produced it. */
  record ToolResultMessage(ToolCallId callId, String toolName, ToolResult result)
      implements ChatMessage {
    public ToolResultMessage {
      Objects.requireNonNull(callId, "callId");
      Objects.requireNonNull(toolName, "toolName");
      Objects.requireNonNull(result, "result");
    }
  }
}
