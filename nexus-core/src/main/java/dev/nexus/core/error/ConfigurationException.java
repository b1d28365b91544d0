package dev.nexus.core.error;

/**
 * Nexus was configured with a missing or invalid setting; the message names the setting, never its
 * secret value.
 */
public class ConfigurationException extends PermanentException {

  public ConfigurationException(String message) {
    super(message);
  }

  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
