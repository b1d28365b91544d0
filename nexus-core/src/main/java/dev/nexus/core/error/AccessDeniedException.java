package dev.nexus.core.error;

/** The principal is known but may not do this. */
public class AccessDeniedException extends PermanentException {

  public AccessDeniedException(String message) {
    super(message);
  }

  public AccessDeniedException(String message, Throwable cause) {
    super(message, cause);
  }
}
