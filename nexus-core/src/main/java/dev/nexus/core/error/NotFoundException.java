package dev.nexus.core.error;

/**
 * The object does not exist, or exists in another organization, which callers must not be able to
 * tell apart.
 */
public class NotFoundException extends PermanentException {

  public NotFoundException(String message) {
    super(message);
  }

  public NotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
