package dev.nexus.core.vault;

import dev.nexus.core.error.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A secret string such as an OAuth token. It redacts itself when printed and compares in constant
 * time; read it only through {@link #reveal()}.
 */
public final class Secret {

  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  /**
   * Wraps a secret value.
   *
   * @throws InvalidInputException when it is null or empty
   */
  public static Secret of(String value) {
    if (value == null || value.isEmpty()) {
      throw new InvalidInputException("a secret must not be empty");
    }
    return new Secret(value);
  }

  /** The secret itself. Never log, store unencrypted, or echo what this returns. */
  public String reveal() {
    return value;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Secret that
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), that.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return 0;
  }

  @Override
  public String toString() {
    return "Secret[redacted]";
  }
}
