package dev.nexus.core.vault;

import dev.nexus.core.error.ReconnectRequiredException;

/** The provider refused a refresh token for good ({@code invalid_grant}): connect again. */
public class InvalidGrantException extends ReconnectRequiredException {

  public InvalidGrantException(String message) {
    super(message);
  }

  public InvalidGrantException(String message, Throwable cause) {
    super(message, cause);
  }
}
