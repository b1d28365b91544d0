package dev.nexus.core.tool;

import dev.nexus.core.error.InvalidInputException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The parameters of a tool, in declaration order. It validates a call's arguments: unknown names,
 * missing required values, wrong types and values out of range are each reported by name.
 */
public record ParameterSchema(List<Parameter> parameters) {

  public ParameterSchema {
    parameters = List.copyOf(parameters);
    Set<String> seen = new HashSet<>();
    for (Parameter parameter : parameters) {
      if (!seen.add(parameter.name())) {
        throw new InvalidInputException("parameter " + parameter.name() + " is declared twice");
      }
    }
  }

  public static ParameterSchema of(Parameter... parameters) {
    return new ParameterSchema(List.of(parameters));
  }

  /** The parameter with this name, or empty. */
  public Optional<Parameter> parameter(String name) {
    return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /**
   * Checks arguments against this schema. Returns one sentence per problem, in a stable order;
   * empty when the arguments are valid. Integers given as whole JSON numbers (for example {@code
   * 5.0}) are accepted.
   */
  public List<String> violations(Map<String, Object> arguments) {
    List<String> problems = new ArrayList<>();
    Map<String, Parameter> byName = new LinkedHashMap<>();
    parameters.forEach(p -> byName.put(p.name(), p));
    for (String name : new java.util.TreeSet<>(arguments.keySet())) {
      if (!byName.containsKey(name)) {
        problems.add("unknown argument '" + name + "'");
      }
    }
    for (Parameter parameter : parameters) {
      Object value = arguments.get(parameter.name());
      if (value == null) {
        if (parameter.required()) {
          problems.add("missing required argument '" + parameter.name() + "'");
        }
        continue;
      }
      check(parameter, value).ifPresent(problems::add);
    }
    return problems;
  }

  private static Optional<String> check(Parameter parameter, Object value) {
    String name = "'" + parameter.name() + "'";
    switch (parameter.type()) {
      case STRING -> {
        if (!(value instanceof String text)) {
          return Optional.of(name + " must be a string");
        }
        if (parameter.maxLength() != null && text.length() > parameter.maxLength()) {
          return Optional.of(name + " must be at most " + parameter.maxLength() + " characters");
        }
        if (!parameter.allowed().isEmpty() && !parameter.allowed().contains(text)) {
          return Optional.of(name + " must be one of " + String.join(", ", parameter.allowed()));
        }
      }
      case INTEGER -> {
        Optional<Long> number = ToolArguments.asLong(value);
        if (number.isEmpty()) {
          return Optional.of(name + " must be a whole number");
        }
        long n = number.get();
        if ((parameter.minimum() != null && n < parameter.minimum())
            || (parameter.maximum() != null && n > parameter.maximum())) {
          return Optional.of(
              name + " must be between " + parameter.minimum() + " and " + parameter.maximum());
        }
      }
      case NUMBER -> {
        if (!(value instanceof Number)) {
          return Optional.of(name + " must be a number");
        }
      }
      case BOOLEAN -> {
        if (!(value instanceof Boolean)) {
          return Optional.of(name + " must be true or false");
        }
      }
      case STRING_ARRAY -> {
        if (!(value instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
          return Optional.of(name + " must be an array of strings");
        }
        if (parameter.maxLength() != null && list.size() > parameter.maxLength()) {
          return Optional.of(name + " must have at most " + parameter.maxLength() + " items");
        }
      }
    }
    return Optional.empty();
  }
}
