package dev.nexus.core.authorization;

import dev.nexus.core.error.InvalidInputException;

/**
 * An object of the authorization model, written {@code type:id} (for example {@code
 * organization:acme} or {@code document:7f3c}).
 */
public record ObjectRef(String type, String id) {

  private static final int MAX_TYPE_LENGTH = 64;
  private static final int MAX_ID_LENGTH = 256;

  public ObjectRef {
    // Checked by hand rather than by regular expression: every authorization check builds these.
    if (type == null || !isType(type)) {
      throw new InvalidInputException(
          "object type must be 1 to 64 letters, digits, _ or -, starting with a letter");
    }
    if (id == null || !isId(id)) {
      throw new InvalidInputException(
          "object id must be 1 to 256 characters without white space, '#' or ':'");
    }
  }

  /** An ASCII letter, then up to 63 ASCII letters, digits, {@code _} or {@code -}. */
  private static boolean isType(String type) {
    int length = type.length();
    if (length == 0 || length > MAX_TYPE_LENGTH || !isAsciiLetter(type.charAt(0))) {
      return false;
    }
    for (int i = 1; i < length; i++) {
      char c = type.charAt(i);
      if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '_' && c != '-') {
        return false;
      }
    }
    return true;
  }

  /** 1 to 256 characters (code points), none of them ASCII white space, '#' or ':'. */
  private static boolean isId(String id) {
    int length = id.length();
    if (length == 0 || (length > MAX_ID_LENGTH && id.codePointCount(0, length) > MAX_ID_LENGTH)) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = id.charAt(i);
      if (c == ' ' || (c >= '\t' && c <= '\r') || c == '#' || c == ':') {
        return false;
      }
    }
    return true;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  public static ObjectRef of(String type, String id) {
    return new ObjectRef(type, id);
  }

  /**
   * Parses {@code type:id}.
   *
   * @throws InvalidInputException when the text is not of that form
   */
  public static ObjectRef parse(String text) {
    int colon = text == null ? -1 : text.indexOf(':');
    if (colon <= 0) {
      throw new InvalidInputException("object must be written type:id");
    }
    return new ObjectRef(text.substring(0, colon), text.substring(colon + 1));
  }

  @Override
  public String toString() {
    return type + ":" + id;
  }
}
