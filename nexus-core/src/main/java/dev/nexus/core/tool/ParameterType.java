package dev.nexus.core.tool;

/** The JSON type of a tool parameter. */
public enum ParameterType {
  STRING,
  INTEGER,
  NUMBER,
  BOOLEAN,
  /** A JSON array of strings (for example a list of recipients). */
  STRING_ARRAY
}
