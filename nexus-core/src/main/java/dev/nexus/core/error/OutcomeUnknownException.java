package dev.nexus.core.error;

/**
 * A call that changes the outside world may or may not have taken effect (for example a send that
 * timed out after the request left). It is never retried automatically; a person has to look.
 */
public class OutcomeUnknownException extends PermanentException {

  public OutcomeUnknownException(String message) {
    super(message);
  }

  public OutcomeUnknownException(String message, Throwable cause) {
    super(message, cause);
  }
}
