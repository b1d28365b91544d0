package dev.nexus.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/** The server's JSON reading and writing, with strict parsing of request bodies. */
final class Json {

  private final ObjectMapper mapper =
      new ObjectMapper()
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  String write(Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("a response could not be written as JSON", e);
    }
  }

  /**
   * Parses a request body that must be a JSON object.
   *
   * @throws ApiProblem 400 when it is empty, not JSON or not an object
   */
  ObjectNode object(String body) {
    if (body == null || body.isBlank()) {
      throw ApiProblem.badRequest("the request needs a JSON object body");
    }
    JsonNode node;
    try {
      node = mapper.readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiProblem.badRequest("the request body is not valid JSON");
    }
    if (node == null || !node.isObject()) {
      throw ApiProblem.badRequest("the request body must be a JSON object");
    }
    return (ObjectNode) node;
  }

  /** A required string field, 1 to {@code maxLength} characters. */
  static String requiredText(ObjectNode body, String field, int maxLength) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      throw ApiProblem.invalid("'" + field + "' is required");
    }
    if (!node.isTextual()) {
      throw ApiProblem.invalid("'" + field + "' must be a string");
    }
    String text = node.asText();
    if (text.isBlank()) {
      throw ApiProblem.invalid("'" + field + "' must not be empty");
    }
    if (text.length() > maxLength) {
      throw ApiProblem.invalid("'" + field + "' must be at most " + maxLength + " characters");
    }
    return text;
  }

  /** An optional string field; null when absent or null. */
  static String optionalText(ObjectNode body, String field, int maxLength) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    return requiredText(body, field, maxLength);
  }

  ObjectMapper mapper() {
    return mapper;
  }
}
