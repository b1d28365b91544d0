package dev.nexus.core.approval;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where an approval stands. The only moves are: pending to approved, denied or expired; approved to
 * executing; executing to executed, failed or outcome-unknown. Every other status is final.
 */
public enum ApprovalStatus {
  PENDING,
  APPROVED,
  EXECUTING,
  EXECUTED,
  FAILED,
  OUTCOME_UNKNOWN,
  DENIED,
  EXPIRED;

  /** The statuses this one may move to. */
  public Set<ApprovalStatus> successors() {
    return switch (this) {
      case PENDING -> EnumSet.of(APPROVED, DENIED, EXPIRED);
      case APPROVED -> EnumSet.of(EXECUTING);
      case EXECUTING -> EnumSet.of(EXECUTED, FAILED, OUTCOME_UNKNOWN);
      default -> EnumSet.noneOf(ApprovalStatus.class);
    };
  }

  /** Whether moving from this status to {@code next} is allowed. */
  public boolean canMoveTo(ApprovalStatus next) {
    return successors().contains(next);
  }

  /** Whether nothing can happen to the approval any more. */
  public boolean isFinal() {
    return successors().isEmpty();
  }
}
