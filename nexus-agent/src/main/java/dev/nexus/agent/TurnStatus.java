package dev.nexus.agent;

/** How a turn ended. */
public enum TurnStatus {
  /** The model gave its final answer. */
  COMPLETED,
  /** One or more calls wait for a person's approval. */
  AWAITING_APPROVAL,
  /** The turn stopped: the model failed or the step limit was reached. */
  FAILED
}
