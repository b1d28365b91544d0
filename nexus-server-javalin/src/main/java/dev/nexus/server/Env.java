package dev.nexus.server;

import dev.nexus.core.error.ConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads settings from environment variables, each validated with a message that names the variable,
 * the value it holds and what it accepts. A secret's value never appears in a message; nor does the
 * query or user info of a URL, which may carry credentials. A blank variable counts as unset.
 */
final class Env {

  private static final int SHOWN_LENGTH = 80;

  private final Map<String, String> values;
  private final Set<String> known;
  private final Set<String> secrets;
  private final Set<String> asked = new HashSet<>();

  /**
   * @param known every name this reader may be asked for; asking for another is a programming error
   * @param secrets the names whose values are never shown
   */
  Env(Map<String, String> values, Set<String> known, Set<String> secrets) {
    this.values = Map.copyOf(values);
    this.known = Set.copyOf(known);
    this.secrets = Set.copyOf(secrets);
  }

  /** The variables as given. */
  Map<String, String> values() {
    return values;
  }

  /** The names asked for so far, so a test can prove every known setting is read. */
  Set<String> asked() {
    return Set.copyOf(asked);
  }

  Optional<String> optional(String name) {
    if (!known.contains(name)) {
      throw new IllegalArgumentException(name + " is not a known setting");
    }
    asked.add(name);
    String value = values.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }

  /** A value without whitespace inside, such as an id, a key or a client secret. */
  Optional<String> singleToken(String name) {
    Optional<String> value = optional(name);
    if (value.isPresent() && value.get().codePoints().anyMatch(Env::spaceOrControl)) {
      throw invalid(name, "a single word without spaces, tabs or line breaks");
    }
    return value;
  }

  boolean isSet(String name) {
    return optional(name).isPresent();
  }

  String string(String name, String fallback) {
    return optional(name).orElse(fallback);
  }

  int integer(String name, int fallback, int min, int max) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw.get());
      if (value < min || value > max) {
        throw invalid(name, "a whole number from " + min + " to " + max);
      }
      return value;
    } catch (NumberFormatException e) {
      throw invalid(name, "a whole number from " + min + " to " + max);
    }
  }

  long longValue(String name, long fallback, long min, long max) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(raw.get());
      if (value < min || value > max) {
        throw invalid(name, "a whole number from " + min + " to " + max);
      }
      return value;
    } catch (NumberFormatException e) {
      throw invalid(name, "a whole number from " + min + " to " + max);
    }
  }

  boolean bool(String name, boolean fallback) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    return switch (raw.get().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw invalid(name, "true or false");
    };
  }

  /** A duration as ISO-8601 ({@code PT15M}) or a number of seconds. */
  Duration duration(String name, Duration fallback) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      Duration value =
          raw.get().matches("\\d+")
              ? Duration.ofSeconds(Long.parseLong(raw.get()))
              : Duration.parse(raw.get());
      if (value.isNegative() || value.isZero()) {
        throw invalid(name, "a positive duration (seconds, or ISO-8601 such as PT15M)");
      }
      return value;
    } catch (DateTimeParseException | NumberFormatException e) {
      throw invalid(name, "a positive duration (seconds, or ISO-8601 such as PT15M)");
    }
  }

  Optional<URI> url(String name) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    try {
      URI uri = new URI(raw.get());
      if (uri.getScheme() == null
          || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          || uri.getHost() == null) {
        throw invalid(name, "an absolute http or https URL");
      }
      return Optional.of(uri);
    } catch (URISyntaxException e) {
      throw invalid(name, "an absolute http or https URL");
    }
  }

  List<String> list(String name) {
    List<String> items = new ArrayList<>();
    optional(name)
        .ifPresent(
            raw -> {
              for (String item : raw.split(",")) {
                if (!item.isBlank()) {
                  items.add(item.strip());
                }
              }
            });
    return items;
  }

  /**
   * A refusal of the value {@code name} holds, shown after the name unless it is secret: {@code
   * NEXUS_PORT=eighty must be a whole number from 0 to 65535}.
   */
  ConfigurationException invalid(String name, String expected) {
    String raw = values.get(name);
    if (secrets.contains(name)) {
      return new ConfigurationException(
          name + " must be " + expected + " (its value is not shown: it is a secret)");
    }
    return new ConfigurationException(
        name + "=" + shown(raw == null ? "" : raw.strip()) + " must be " + expected);
  }

  /** A refusal that needs no value, such as a variable missing where another requires it. */
  static ConfigurationException bad(String name, String expected) {
    return new ConfigurationException(name + " must be " + expected);
  }

  /** A non-secret value as a message shows it: one line, short, no URL credentials. */
  private static String shown(String value) {
    String text = value.replaceAll("//[^/@?#]*@", "//...@").replaceAll("(?s)\\?.*", "?...");
    if (text.length() > SHOWN_LENGTH) {
      text = text.substring(0, SHOWN_LENGTH) + "...";
    }
    StringBuilder out = new StringBuilder();
    text.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return text.isEmpty() || text.codePoints().anyMatch(Env::spaceOrControl)
        ? "\"" + out + "\""
        : out.toString();
  }

  private static boolean spaceOrControl(int c) {
    return Character.isWhitespace(c) || Character.isISOControl(c);
  }
}
