package dev.nexus.core.model;

import dev.nexus.core.tool.ToolCall;
import java.util.List;
import java.util.Objects;

/** The model's final answer to one request: text (may be empty) and/or tool calls. */
public record ModelResponse(String text, List<ToolCall> toolCalls, TokenUsage usage) {

  public ModelResponse {
    Objects.requireNonNull(text, "text");
    toolCalls = List.copyOf(toolCalls);
    Objects.requireNonNull(usage, "usage");
  }

  public static ModelResponse text(String text) {
    return new ModelResponse(text, List.of(), TokenUsage.NONE);
  }

  public static ModelResponse toolCalls(List<ToolCall> calls) {
    return new ModelResponse("", calls, TokenUsage.NONE);
  }
}
