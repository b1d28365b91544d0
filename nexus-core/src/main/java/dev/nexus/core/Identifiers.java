package dev.nexus.core;

import dev.nexus.core.error.InvalidInputException;
import java.util.regex.Pattern;

/**
 * Validation shared by the identifier records. An identifier is 1 to 128 characters of letters,
 * digits and {@code . _ - | @ +}: safe in URLs, SQL, logs and OpenFGA object ids (no {@code :},
 * {@code #} or white space).
 */
public final class Identifiers {

  /** The longest identifier accepted. */
  public static final int MAX_LENGTH = 128;

  private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._|@+-]{1," + MAX_LENGTH + "}");

  private Identifiers() {}

  /**
   * Returns {@code value} when it is a valid identifier.
   *
   * @throws InvalidInputException naming {@code kind} when it is null or not valid
   */
  public static String check(String kind, String value) {
    if (value == null || value.isEmpty()) {
      throw new InvalidInputException(kind + " must not be empty");
    }
    if (!ALLOWED.matcher(value).matches()) {
      throw new InvalidInputException(
          kind
              + " must be 1 to "
              + MAX_LENGTH
              + " characters of letters, digits and . _ - | @ + (got "
              + value.length()
              + " characters)");
    }
    return value;
  }
}
