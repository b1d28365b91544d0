package dev.nexus.core.tool;

import dev.nexus.core.Identifiers;
import java.util.UUID;

/** Identifies one tool call within a conversation, so its result can be matched to it. */
public record ToolCallId(String value) {

  public ToolCallId {
    Identifiers.check("tool call id", value);
  }

  /** A new random id. */
  public static ToolCallId random() {
    return new ToolCallId("call-" + UUID.randomUUID());
  }

  @Override
  public String toString() {
    return value;
  }
}
