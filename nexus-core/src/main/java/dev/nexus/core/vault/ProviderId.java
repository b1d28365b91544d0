package dev.nexus.core.vault;

import dev.nexus.core.error.InvalidInputException;

/** Names an OAuth provider a user can connect, for example {@code gmail} or {@code notion}. */
public record ProviderId(String value) {

  public static final ProviderId GMAIL = new ProviderId("gmail");
  public static final ProviderId NOTION = new ProviderId("notion");

  public ProviderId {
    if (value == null || !value.matches("[a-z][a-z0-9-]{0,31}")) {
      throw new InvalidInputException(
          "provider must be 1 to 32 lower-case letters, digits or -, starting with a letter");
    }
  }

  public static ProviderId of(String value) {
    return new ProviderId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
