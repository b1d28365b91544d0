package dev.nexus.core.error;

/**
 * A credential was missing, malformed or refused. The message says why without echoing the
 * credential.
 */
public class AuthenticationException extends PermanentException {

  public AuthenticationException(String message) {
    super(message);
  }

  public AuthenticationException(String message, Throwable cause) {
    super(message, cause);
  }
}
