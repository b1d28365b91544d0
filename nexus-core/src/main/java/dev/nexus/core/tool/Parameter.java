package dev.nexus.core.tool;

import dev.nexus.core.error.InvalidInputException;
import java.util.List;
import java.util.Objects;

/**
 * One named parameter of a tool: its type, a description for the model, whether it is required, and
 * optional limits ({@code allowed} values for strings, a range for integers, a maximum length for
 * strings and arrays).
 */
public record Parameter(
    String name,
    ParameterType type,
    String description,
    boolean required,
    List<String> allowed,
    Long minimum,
    Long maximum,
    Integer maxLength) {

  public Parameter {
    if (name == null || !name.matches("[a-z][a-zA-Z0-9_]{0,63}")) {
      throw new InvalidInputException("parameter name must be an identifier starting lower-case");
    }
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(description, "description");
    allowed = List.copyOf(allowed);
    if (!allowed.isEmpty() && type != ParameterType.STRING) {
      throw new InvalidInputException("parameter " + name + ": only strings take allowed values");
    }
    if ((minimum != null || maximum != null) && type != ParameterType.INTEGER) {
      throw new InvalidInputException("parameter " + name + ": only integers take a range");
    }
  }

  /** A required string. */
  public static Parameter requiredString(String name, String description) {
    return new Parameter(
        name, ParameterType.STRING, description, true, List.of(), null, null, null);
  }

  /** An optional string. */
  public static Parameter optionalString(String name, String description) {
    return new Parameter(
        name, ParameterType.STRING, description, false, List.of(), null, null, null);
  }

  /** A string limited to {@code allowed} values. */
  public static Parameter enumeration(
      String name, String description, boolean required, List<String> allowed) {
    return new Parameter(
        name, ParameterType.STRING, description, required, allowed, null, null, null);
  }

  /** An integer within {@code [minimum, maximum]}. */
  public static Parameter integer(
      String name, String description, boolean required, long minimum, long maximum) {
    return new Parameter(
        name, ParameterType.INTEGER, description, required, List.of(), minimum, maximum, null);
  }

  /** A boolean. */
  public static Parameter bool(String name, String description, boolean required) {
    return new Parameter(
        name, ParameterType.BOOLEAN, description, required, List.of(), null, null, null);
  }

  /** An array of strings. */
  public static Parameter stringArray(String name, String description, boolean required) {
    return new Parameter(
        name, ParameterType.STRING_ARRAY, description, required, List.of(), null, null, null);
  }

  /** A copy with a maximum length (characters for strings, items for arrays). */
  public Parameter withMaxLength(int maxLength) {
    return new Parameter(name, type, description, required, allowed, minimum, maximum, maxLength);
  }
}
