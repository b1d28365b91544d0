package dev.nexus.core.tool;

import dev.nexus.core.error.InvalidInputException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A tool call as the model asked for it: the tool's name and its arguments as JSON values (strings,
 * numbers, booleans, lists and maps; a JSON null counts as absent). The arguments are deeply copied
 * and cannot change afterwards, so the call a person approves is the call that runs.
 */
public record ToolCall(ToolCallId id, String toolName, Map<String, Object> arguments) {

  public ToolCall {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(toolName, "toolName");
    Objects.requireNonNull(arguments, "arguments");
    arguments = freezeMap(arguments);
  }

  /** The arguments with typed accessors. */
  public ToolArguments args() {
    return new ToolArguments(toolName, arguments);
  }

  private static Map<String, Object> freezeMap(Map<?, ?> map) {
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (!(entry.getKey() instanceof String key)) {
        throw new InvalidInputException("tool argument names must be strings");
      }
      if (entry.getValue() != null) {
        copy.put(key, freeze(entry.getValue()));
      }
    }
    return Collections.unmodifiableMap(copy);
  }

  private static Object freeze(Object value) {
    if (value instanceof String || value instanceof Boolean || value instanceof Number) {
      return value;
    }
    if (value instanceof Map<?, ?> map) {
      return freezeMap(map);
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      for (Object item : list) {
        copy.add(item == null ? null : freeze(item));
      }
      return Collections.unmodifiableList(copy);
    }
    throw new InvalidInputException(
        "tool arguments must be JSON values, not " + value.getClass().getSimpleName());
  }
}
