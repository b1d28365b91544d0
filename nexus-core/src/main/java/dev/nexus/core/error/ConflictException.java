package dev.nexus.core.error;

/**
 * The object is not in a state that allows this, for example deciding an approval that was already
 * decided.
 */
public class ConflictException extends PermanentException {

  public ConflictException(String message) {
    super(message);
  }

  public ConflictException(String message, Throwable cause) {
    super(message, cause);
  }
}
