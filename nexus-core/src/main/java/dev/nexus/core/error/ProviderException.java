package dev.nexus.core.error;

/**
 * A remote provider refused a call for a reason that retrying will not fix (for example 403 or
 * 400).
 */
public class ProviderException extends PermanentException {

  public ProviderException(String message) {
    super(message);
  }

  public ProviderException(String message, Throwable cause) {
    super(message, cause);
  }
}
