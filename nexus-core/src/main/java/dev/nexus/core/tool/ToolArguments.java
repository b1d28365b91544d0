package dev.nexus.core.tool;

import dev.nexus.core.error.InvalidInputException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed, read-only access to a tool call's arguments. Every accessor fails with an {@link
 * InvalidInputException} that names the tool and the argument, so the model can correct itself.
 */
public final class ToolArguments {

  private final String toolName;
  private final Map<String, Object> values;

  ToolArguments(String toolName, Map<String, Object> values) {
    this.toolName = toolName;
    this.values = values;
  }

  /** The arguments as given (unmodifiable). */
  public Map<String, Object> asMap() {
    return values;
  }

  /** A required string. */
  public String string(String name) {
    return optionalString(name).orElseThrow(() -> missing(name));
  }

  /** An optional string; empty when absent. */
  public Optional<String> optionalString(String name) {
    Object value = values.get(name);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof String text) {
      return Optional.of(text);
    }
    throw wrongType(name, "a string");
  }

  /** A required whole number. */
  public long integer(String name) {
    return optionalInteger(name).orElseThrow(() -> missing(name));
  }

  /** An optional whole number; empty when absent. */
  public Optional<Long> optionalInteger(String name) {
    Object value = values.get(name);
    if (value == null) {
      return Optional.empty();
    }
    return Optional.of(asLong(value).orElseThrow(() -> wrongType(name, "a whole number")));
  }

  /** An optional boolean, or {@code fallback} when absent. */
  public boolean bool(String name, boolean fallback) {
    Object value = values.get(name);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean flag) {
      return flag;
    }
    throw wrongType(name, "true or false");
  }

  /** An optional array of strings; empty when absent. */
  public List<String> stringList(String name) {
    Object value = values.get(name);
    if (value == null) {
      return List.of();
    }
    if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
      return list.stream().map(String.class::cast).toList();
    }
    throw wrongType(name, "an array of strings");
  }

  /** A whole number from a JSON number, or empty when it is not whole or not a number. */
  static Optional<Long> asLong(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      return Optional.of(((Number) value).longValue());
    }
    if (value instanceof Number number) {
      try {
        return Optional.of(new BigDecimal(number.toString()).longValueExact());
      } catch (ArithmeticException | NumberFormatException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private InvalidInputException missing(String name) {
    return new InvalidInputException(toolName + ": missing required argument '" + name + "'");
  }

  private InvalidInputException wrongType(String name, String expected) {
    return new InvalidInputException(toolName + ": argument '" + name + "' must be " + expected);
  }

  @Override
  public String toString() {
    return "ToolArguments" + values.keySet();
  }
}
