package dev.nexus.core.error;

/**
 * A value given by a caller (an id, an argument, a configuration value) is malformed or out of
 * range.
 */
public class InvalidInputException extends PermanentException {

  public InvalidInputException(String message) {
    super(message);
  }

  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
