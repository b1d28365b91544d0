package dev.nexus.server;

import dev.nexus.core.error.ConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads settings from environment variables, each validated with a message that names the variable
 * and what it accepts. Secret values never appear in a message.
 */
final class Env {

  private final Map<String, String> values;

  Env(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  Optional<String> optional(String name) {
    String value = values.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
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
        throw bad(name, "a whole number from " + min + " to " + max);
      }
      return value;
    } catch (NumberFormatException e) {
      throw bad(name, "a whole number from " + min + " to " + max);
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
        throw bad(name, "a whole number from " + min + " to " + max);
      }
      return value;
    } catch (NumberFormatException e) {
      throw bad(name, "a whole number from " + min + " to " + max);
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
      default -> throw bad(name, "true or false");
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
        throw bad(name, "a positive duration (seconds, or ISO-8601 such as PT15M)");
      }
      return value;
    } catch (DateTimeParseException | NumberFormatException e) {
      throw bad(name, "a positive duration (seconds, or ISO-8601 such as PT15M)");
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
        throw bad(name, "an absolute http or https URL");
      }
      return Optional.of(uri);
    } catch (URISyntaxException e) {
      throw bad(name, "an absolute http or https URL");
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

  static ConfigurationException bad(String name, String expected) {
    return new ConfigurationException(name + " must be " + expected);
  }
}
