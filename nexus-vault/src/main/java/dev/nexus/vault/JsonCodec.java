package dev.nexus.vault;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nexus.core.conversation.ChatMessage;
import dev.nexus.core.conversation.ChatMessage.AssistantMessage;
import dev.nexus.core.conversation.ChatMessage.ToolResultMessage;
import dev.nexus.core.conversation.ChatMessage.UserMessage;
import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.tool.ToolCall;
import dev.nexus.core.tool.ToolCallId;
import dev.nexus.core.tool.ToolResult;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON the vault stores for messages, tool calls and audit details, mapped field by field (no
 * reflection), so the stored form stays stable when the records change.
 *
 * <p>Tool call arguments keep their Java number types: JSON has one number type, so a number whose
 * type is not what reading JSON gives back ({@code Integer} for whole numbers that fit, {@code
 * Double} otherwise) is listed in a {@code "numbers"} map of JSON pointer to type name.
 */
final class JsonCodec {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonCodec() {}

  // ---- messages

  static String kind(ChatMessage message) {
    if (message instanceof UserMessage) {
      return "user";
    }
    if (message instanceof AssistantMessage) {
      return "assistant";
    }
    return "tool_result";
  }

  static String writeMessage(ChatMessage message) {
    ObjectNode node = NODES.objectNode();
    if (message instanceof UserMessage user) {
      node.put("text", user.text());
    } else if (message instanceof AssistantMessage assistant) {
      node.put("text", assistant.text());
      ArrayNode calls = node.putArray("toolCalls");
      for (ToolCall call : assistant.toolCalls()) {
        calls.add(toolCallNode(call));
      }
    } else if (message instanceof ToolResultMessage result) {
      node.put("callId", result.callId().value());
      node.put("toolName", result.toolName());
      node.put("status", result.result().status().name());
      node.put("content", result.result().content());
    }
    return write(node);
  }

  static ChatMessage readMessage(String kind, String json) {
    JsonNode node = read(json);
    return switch (kind) {
      case "user" -> new UserMessage(node.get("text").asText());
      case "assistant" -> {
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode call : node.get("toolCalls")) {
          calls.add(readToolCall(call));
        }
        yield new AssistantMessage(node.get("text").asText(), calls);
      }
      case "tool_result" ->
          new ToolResultMessage(
              new ToolCallId(node.get("callId").asText()),
              node.get("toolName").asText(),
              new ToolResult(
                  ToolResult.Status.valueOf(node.get("status").asText()),
                  node.get("content").asText()));
      default -> throw new ConfigurationException("unknown stored message kind " + kind);
    };
  }

  // ---- tool calls

  private static ObjectNode toolCallNode(ToolCall call) {
    ObjectNode node = NODES.objectNode();
    node.put("id", call.id().value());
    node.put("name", call.toolName());
    node.set("arguments", argumentsNode(call.arguments()));
    return node;
  }

  private static ToolCall readToolCall(JsonNode node) {
    return new ToolCall(
        new ToolCallId(node.get("id").asText()),
        node.get("name").asText(),
        readArgumentsNode(node.get("arguments")));
  }

  /** The arguments of a tool call as stored JSON text. */
  static String writeArguments(Map<String, Object> arguments) {
    return write(argumentsNode(arguments));
  }

  static Map<String, Object> readArguments(String json) {
    return readArgumentsNode(read(json));
  }

  private static ObjectNode argumentsNode(Map<String, Object> arguments) {
    Map<String, String> numbers = new TreeMap<>();
    ObjectNode node = NODES.objectNode();
    node.set("values", valueNode(arguments, "", numbers));
    if (!numbers.isEmpty()) {
      ObjectNode types = node.putObject("numbers");
      numbers.forEach(types::put);
    }
    return node;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> readArgumentsNode(JsonNode node) {
    Map<String, String> numbers = new LinkedHashMap<>();
    JsonNode types = node.get("numbers");
    if (types != null) {
      types.fields().forEachRemaining(e -> numbers.put(e.getKey(), e.getValue().asText()));
    }
    return (Map<String, Object>) javaValue(node.get("values"), "", numbers);
  }

  private static JsonNode valueNode(Object value, String pointer, Map<String, String> numbers) {
    if (value == null) {
      return NODES.nullNode();
    }
    if (value instanceof String text) {
      return NODES.textNode(text);
    }
    if (value instanceof Boolean flag) {
      return NODES.booleanNode(flag);
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode object = NODES.objectNode();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        String key = (String) entry.getKey();
        object.set(key, valueNode(entry.getValue(), pointer + "/" + escape(key), numbers));
      }
      return object;
    }
    if (value instanceof List<?> list) {
      ArrayNode array = NODES.arrayNode();
      for (int i = 0; i < list.size(); i++) {
        array.add(valueNode(list.get(i), pointer + "/" + i, numbers));
      }
      return array;
    }
    if (value instanceof Integer number) {
      return NODES.numberNode(number);
    }
    if (value instanceof Double number) {
      return NODES.numberNode(number);
    }
    if (value instanceof Long number) {
      numbers.put(pointer, "long");
      return NODES.numberNode(number);
    }
    if (value instanceof Short number) {
      numbers.put(pointer, "short");
      return NODES.numberNode(number);
    }
    if (value instanceof Byte number) {
      numbers.put(pointer, "byte");
      return NODES.numberNode(number);
    }
    if (value instanceof Float number) {
      numbers.put(pointer, "float");
      return NODES.numberNode(number);
    }
    if (value instanceof BigInteger number) {
      numbers.put(pointer, "biginteger");
      return NODES.numberNode(number);
    }
    if (value instanceof BigDecimal number) {
      numbers.put(pointer, "bigdecimal");
      return NODES.numberNode(number);
    }
    if (value instanceof Number number) {
      numbers.put(pointer, "bigdecimal");
      return NODES.numberNode(new BigDecimal(number.toString()));
    }
    throw new ConfigurationException(
        "a tool argument of type " + value.getClass().getSimpleName() + " cannot be stored");
  }

  private static Object javaValue(JsonNode node, String pointer, Map<String, String> numbers) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isTextual()) {
      return node.asText();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        map.put(
            field.getKey(),
            javaValue(field.getValue(), pointer + "/" + escape(field.getKey()), numbers));
      }
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      for (int i = 0; i < node.size(); i++) {
        list.add(javaValue(node.get(i), pointer + "/" + i, numbers));
      }
      return list;
    }
    BigDecimal number = node.decimalValue();
    String type = numbers.get(pointer);
    if (type == null) {
      // Two returns, not a conditional expression: that would promote the Integer to a double.
      if (node.isIntegralNumber() && node.canConvertToInt()) {
        return Integer.valueOf(node.intValue());
      }
      return Double.valueOf(number.doubleValue());
    }
    return switch (type) {
      case "long" -> number.longValueExact();
      case "short" -> number.shortValueExact();
      case "byte" -> number.byteValueExact();
      case "float" -> number.floatValue();
      case "biginteger" -> number.toBigIntegerExact();
      default -> number;
    };
  }

  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  // ---- audit details

  static String writeDetails(Map<String, String> details) {
    ObjectNode node = NODES.objectNode();
    details.forEach(node::put);
    return write(node);
  }

  static Map<String, String> readDetails(String json) {
    Map<String, String> details = new TreeMap<>();
    read(json).fields().forEachRemaining(e -> details.put(e.getKey(), e.getValue().asText()));
    return details;
  }

  // ----

  private static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  private static JsonNode read(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new ConfigurationException("a stored JSON value is malformed", e);
    }
  }
}
