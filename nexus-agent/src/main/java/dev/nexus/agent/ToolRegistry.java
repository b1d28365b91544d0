package dev.nexus.agent;

import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.tool.Tool;
import dev.nexus.core.tool.Toolkit;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every tool of an agent's toolkits, by name. Names must be unique across toolkits. */
public final class ToolRegistry {

  private final Map<String, Tool> byName;

  private ToolRegistry(Map<String, Tool> byName) {
    this.byName = byName;
  }

  /**
   * Collects the tools of {@code toolkits}.
   *
   * @throws InvalidInputException when two tools share a name
   */
  public static ToolRegistry of(Collection<? extends Toolkit> toolkits) {
    Map<String, Tool> byName = new LinkedHashMap<>();
    for (Toolkit toolkit : toolkits) {
      for (Tool tool : toolkit.tools()) {
        String name = tool.spec().name();
        if (byName.putIfAbsent(name, tool) != null) {
          throw new InvalidInputException(
              "tool " + name + " of toolkit " + toolkit.name() + " is defined twice");
        }
      }
    }
    return new ToolRegistry(Map.copyOf(byName));
  }

  /** The tool with this name, or empty. */
  public Optional<Tool> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Every tool, in a stable order (by name). */
  public List<Tool> all() {
    return byName.values().stream()
        .sorted((a, b) -> a.spec().name().compareTo(b.spec().name()))
        .toList();
  }
}
