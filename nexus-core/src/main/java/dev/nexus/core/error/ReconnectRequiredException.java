package dev.nexus.core.error;

/**
 * A connected account cannot be used until its owner connects it again: it was never connected, the
 * provider revoked the grant, or a permission the tool needs was not granted.
 */
public class ReconnectRequiredException extends PermanentException {

  public ReconnectRequiredException(String message) {
    super(message);
  }

  public ReconnectRequiredException(String message, Throwable cause) {
    super(message, cause);
  }
}
