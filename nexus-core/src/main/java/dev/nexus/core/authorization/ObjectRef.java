package dev.nexus.core.authorization;

import dev.nexus.core.error.InvalidInputException;
import java.util.regex.Pattern;

/**
 * An object of the authorization model, written {@code type:id} (for example {@code
 * organization:acme} or {@code document:7f3c}).
 */
public record ObjectRef(String type, String id) {

  private static final Pattern TYPE = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
  private static final Pattern ID = Pattern.compile("[^\\s#:]{1,256}");

  public ObjectRef {
    if (type == null || !TYPE.matcher(type).matches()) {
      throw new InvalidInputException(
          "object type must be 1 to 64 letters, digits, _ or -, starting with a letter");
    }
    if (id == null || !ID.matcher(id).matches()) {
      throw new InvalidInputException(
          "object id must be 1 to 256 characters without white space, '#' or ':'");
    }
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
