package dev.nexus.core.tool;

import java.util.Objects;

/**
 * What a tool call produced, as text for the model. {@code status} says whether it worked; an
 * error's content is a short, clear reason (never a token or a stack trace).
 */
public record ToolResult(Status status, String content) {

  /** How a tool call ended. */
  public enum Status {
    SUCCESS,
    ERROR,
    /** A write may or may not have taken effect; it is not retried. */
    OUTCOME_UNKNOWN
  }

  public ToolResult {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(content, "content");
  }

  public static ToolResult success(String content) {
    return new ToolResult(Status.SUCCESS, content);
  }

  public static ToolResult error(String reason) {
    return new ToolResult(Status.ERROR, reason);
  }

  public static ToolResult outcomeUnknown(String reason) {
    return new ToolResult(Status.OUTCOME_UNKNOWN, reason);
  }

  public boolean isSuccess() {
    return status == Status.SUCCESS;
  }
}
