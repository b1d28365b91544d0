package dev.nexus.core.audit;

/** What an audit event records. */
public enum AuditAction {
  /** A tool call passed the guard and ran (or will run) without needing approval. */
  TOOL_CALL_ALLOWED,
  /** A tool call was refused by the guard: unknown tool, not authorized, invalid arguments. */
  TOOL_CALL_DENIED,
  /** A tool call was parked for a person's approval. */
  APPROVAL_REQUESTED,
  /** A person approved a parked call. */
  APPROVAL_GRANTED,
  /** A person declined a parked call. */
  APPROVAL_DECLINED,
  /** A parked call ran out of time before anyone decided. */
  APPROVAL_EXPIRED,
  /** Someone tried to decide an approval they may not decide. */
  APPROVAL_DECISION_REFUSED,
  /** A tool call ran and succeeded. */
  TOOL_CALL_EXECUTED,
  /** A tool call ran and failed, or its outcome is unknown. */
  TOOL_CALL_FAILED,
  /** A turn stopped because it reached the step limit. */
  TURN_STEP_LIMIT_REACHED,
  /** An organization was created (for example a personal one on first login). */
  ORGANIZATION_CREATED,
  /** A member was added or their role changed. */
  MEMBER_CHANGED,
  /** A member was removed. */
  MEMBER_REMOVED,
  /** A user connected an account. */
  CONNECTION_ADDED,
  /** A user disconnected an account. */
  CONNECTION_REMOVED
}
