package dev.nexus.core.tool;

import dev.nexus.core.authorization.Capability;
import dev.nexus.core.error.InvalidInputException;
import java.util.Objects;

/**
 * What the model is told about a tool, and what the guard needs to decide a call: the name, a
 * description, the parameter schema, the capability a caller must hold, and the risk class.
 */
public record ToolSpec(
    String name,
    String description,
    ParameterSchema parameters,
    Capability capability,
    RiskClass risk) {

  public ToolSpec {
    if (name == null || !name.matches("[a-z][a-z0-9_]{0,63}")) {
      throw new InvalidInputException(
          "tool name must be 1 to 64 lower-case letters, digits or _, starting with a letter");
    }
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(capability, "capability");
    Objects.requireNonNull(risk, "risk");
  }
}
