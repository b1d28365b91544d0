package dev.nexus.connectors.notion;

import dev.nexus.core.error.InvalidInputException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads Notion ids as people and models give them: dashed, undashed, or inside a Notion URL. */
final class NotionIds {

  private static final Pattern BARE = Pattern.compile("[0-9a-fA-F]{32}");
  private static final Pattern IN_URL = Pattern.compile("([0-9a-fA-F]{32})(?:[?#].*)?$");

  private NotionIds() {}

  /**
   * The id in its dashed, lower-case form.
   *
   * @throws InvalidInputException naming {@code argument} when the value holds no Notion id
   */
  static String normalize(String value, String argument) {
    String trimmed = value == null ? "" : value.trim();
    String compact = trimmed.replace("-", "");
    if (!BARE.matcher(compact).matches()) {
      Matcher url = IN_URL.matcher(trimmed);
      if (!trimmed.startsWith("http") || !url.find()) {
        throw new InvalidInputException(
            "'" + argument + "' must be a Notion id (32 hexadecimal digits) or a Notion page URL");
      }
      compact = url.group(1);
    }
    String hex = compact.toLowerCase(Locale.ROOT);
    return hex.substring(0, 8)
        + "-"
        + hex.substring(8, 12)
        + "-"
        + hex.substring(12, 16)
        + "-"
        + hex.substring(16, 20)
        + "-"
        + hex.substring(20);
  }
}
