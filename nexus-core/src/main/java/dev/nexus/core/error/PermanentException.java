package dev.nexus.core.error;

/** A failure that trying again will not fix: the caller has to change something first. */
public abstract class PermanentException extends NexusException {

  protected PermanentException(String message) {
    super(message);
  }

  protected PermanentException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public final boolean retriable() {
    return false;
  }
}
