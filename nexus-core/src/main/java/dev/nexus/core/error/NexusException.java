package dev.nexus.core.error;

/**
 * The root of every exception Nexus throws. A caller decides whether to retry by the branch: a
 * {@link RetriableException} may succeed later, anything else will not. Messages say what failed
 * and never carry a token, secret, prompt or personal content.
 */
public abstract class NexusException extends RuntimeException {

  protected NexusException(String message) {
    super(message);
  }

  protected NexusException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether the same call may succeed if tried again later. */
  public abstract boolean retriable();
}
