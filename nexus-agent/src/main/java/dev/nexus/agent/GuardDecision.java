package dev.nexus.agent;

import dev.nexus.core.tool.Tool;
import java.util.Objects;

/** What the guard decided about one tool call. */
sealed interface GuardDecision {

  /** Run the call now: it only reads. */
  record Run(Tool tool) implements GuardDecision {
    public Run {
      Objects.requireNonNull(tool, "tool");
    }
  }

  /** Park the call until a person approves it. */
  record Park(Tool tool) implements GuardDecision {
    public Park {
      Objects.requireNonNull(tool, "tool");
    }
  }

  /** Refuse the call; the model is told {@code reason}. */
  record Refuse(Reason kind, String reason) implements GuardDecision {
    public Refuse {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Why a call was refused. */
  enum Reason {
    UNKNOWN_TOOL,
    NOT_AUTHORIZED,
    INVALID_ARGUMENTS,
    /** A rate limit or the per-turn write limit. */
    LIMITED
  }
}
