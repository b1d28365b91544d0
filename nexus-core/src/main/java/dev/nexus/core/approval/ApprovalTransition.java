package dev.nexus.core.approval;

import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.identity.UserId;
import java.time.Instant;
import java.util.Objects;

/**
 * One move of an approval's state machine, to be applied only if the approval is still in {@code
 * from}. The {@code actor} (null for the system, as on expiry) and {@code at} are recorded as the
 * decision when the move leaves pending; {@code outcome} (may be null) is a short text such as a
 * failure reason.
 */
public record ApprovalTransition(
    ApprovalStatus from, ApprovalStatus to, UserId actor, Instant at, String outcome) {

  public ApprovalTransition {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(at, "at");
    if (!from.canMoveTo(to)) {
      throw new InvalidInputException("an approval cannot move from " + from + " to " + to);
    }
  }
}
