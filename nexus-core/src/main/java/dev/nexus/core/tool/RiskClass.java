package dev.nexus.core.tool;

/**
 * How much a tool can change the outside world. Read tools run at once; write and destructive tools
 * run only after a person approves the exact call.
 */
public enum RiskClass {
  /** Only reads: search, list, fetch. */
  READ,
  /** Creates or changes something outside Nexus: sends a mail, creates or updates a page. */
  WRITE,
  /** Removes or hides something: trashes a mail, archives a page. */
  DESTRUCTIVE;

  /** Whether a call of this risk needs a person's approval before it runs. */
  public boolean needsApproval() {
    return this != READ;
  }
}
