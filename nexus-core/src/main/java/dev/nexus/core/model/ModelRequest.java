package dev.nexus.core.model;

import dev.nexus.core.conversation.ChatMessage;
import dev.nexus.core.tool.ToolSpec;
import java.util.List;
import java.util.Objects;

/**
 * One call to a language model: the system instructions, the conversation so far, and the tools the
 * model may ask for (only those the principal is allowed to use).
 */
public record ModelRequest(String systemPrompt, List<ChatMessage> messages, List<ToolSpec> tools) {

  public ModelRequest {
    Objects.requireNonNull(systemPrompt, "systemPrompt");
    messages = List.copyOf(messages);
    tools = List.copyOf(tools);
  }
}
