package dev.nexus.testkit.notion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * The part of Notion's data source filter and sort language the fake understands: property filters
 * on title, rich_text, number, select, status, multi_select, date and checkbox, compound {@code
 * and} / {@code or}, timestamp filters and sorts, and property sorts. Anything else is answered
 * with a validation error, as Notion does for a filter it cannot read.
 */
final class NotionFilters {

  private NotionFilters() {}

  static boolean matches(ObjectNode page, JsonNode filter, ObjectNode schema, String path) {
    if (!filter.isObject()) {
      throw NotionApiError.validation(
          "body failed validation: "
              + path
              + " should be an object, instead was `"
              + filter
              + "`.");
    }
    if (filter.has("and") || filter.has("or")) {
      boolean all = filter.has("and");
      JsonNode parts = filter.get(all ? "and" : "or");
      if (!parts.isArray()) {
        throw NotionApiError.validation(
            "body failed validation: " + path + (all ? ".and" : ".or") + " should be an array.");
      }
      for (int i = 0; i < parts.size(); i++) {
        boolean hit =
            matches(page, parts.get(i), schema, path + (all ? ".and[" : ".or[") + i + "]");
        if (all && !hit) {
          return false;
        }
        if (!all && hit) {
          return true;
        }
      }
      return all;
    }
    if (filter.has("timestamp")) {
      String stamp = filter.get("timestamp").asText();
      if (!stamp.equals("created_time") && !stamp.equals("last_edited_time")) {
        throw NotionApiError.validation(
            "body failed validation: "
                + path
                + ".timestamp should be created_time or"
                + " last_edited_time.");
      }
      return condition("date", page.path(stamp).asText(), filter.path(stamp), path + "." + stamp);
    }
    if (!filter.has("property")) {
      throw NotionApiError.validation(
          "body failed validation: "
              + path
              + ".property should be defined, instead was"
              + " `undefined`.");
    }
    String name = filter.get("property").asText();
    Map.Entry<String, JsonNode> definition = property(schema, name);
    String type = definition.getValue().path("type").asText();
    String key =
        filter.has(type)
            ? type
            : ("title".equals(type) && filter.has("rich_text") ? "rich_text" : null);
    if (key == null) {
      throw NotionApiError.validation(
          "body failed validation: "
              + path
              + "."
              + type
              + " should be defined, instead was"
              + " `undefined`.");
    }
    JsonNode value = page.path("properties").path(definition.getKey());
    return condition(type, comparable(value), filter.get(key), path + "." + key);
  }

  static Comparator<ObjectNode> comparator(JsonNode sorts, ObjectNode schema) {
    if (!sorts.isArray()) {
      throw NotionApiError.validation("body failed validation: body.sorts should be an array.");
    }
    Comparator<ObjectNode> order = (a, b) -> 0;
    for (int i = 0; i < sorts.size(); i++) {
      JsonNode sort = sorts.get(i);
      boolean descending = "descending".equals(sort.path("direction").asText("ascending"));
      Comparator<ObjectNode> one;
      if (sort.has("timestamp")) {
        String stamp = sort.get("timestamp").asText();
        one = Comparator.comparing((ObjectNode page) -> page.path(stamp).asText());
      } else if (sort.has("property")) {
        String name = property(schema, sort.get("property").asText()).getKey();
        one =
            Comparator.comparing(
                (ObjectNode page) -> comparable(page.path("properties").path(name)),
                Comparator.nullsLast(NotionFilters::compare));
      } else {
        throw NotionApiError.validation(
            "body failed validation: body.sorts[" + i + "].property should be defined.");
      }
      order = order.thenComparing(descending ? one.reversed() : one);
    }
    return order;
  }

  private static Map.Entry<String, JsonNode> property(ObjectNode schema, String nameOrId) {
    Iterator<Map.Entry<String, JsonNode>> fields = schema.properties().iterator();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (field.getKey().equals(nameOrId)
          || field.getValue().path("id").asText().equals(nameOrId)) {
        return field;
      }
    }
    throw NotionApiError.validation("Could not find property with name or id: " + nameOrId);
  }

  /** A property value as a String, Double or Boolean, or null when empty. */
  private static Object comparable(JsonNode property) {
    String type = property.path("type").asText();
    JsonNode value = property.path(type);
    return switch (type) {
      case "title", "rich_text" -> {
        String text = NotionWorkspace.plain(value);
        yield text.isEmpty() ? null : text;
      }
      case "number" -> value.isNumber() ? value.asDouble() : null;
      case "select", "status" -> value.isObject() ? value.path("name").asText() : null;
      case "date" -> value.isObject() ? value.path("start").asText() : null;
      case "checkbox" -> value.asBoolean();
      case "multi_select" -> {
        StringBuilder names = new StringBuilder("\u0000");
        value.forEach(option -> names.append(option.path("name").asText()).append('\u0000'));
        yield value.isEmpty() ? null : names.toString();
      }
      default -> value.isMissingNode() || value.isNull() ? null : value.asText();
    };
  }

  @SuppressWarnings("unchecked")
  private static int compare(Object a, Object b) {
    return ((Comparable<Object>) a).compareTo(b);
  }

  private static boolean condition(String type, Object actual, JsonNode condition, String path) {
    if (!condition.isObject() || condition.size() != 1) {
      throw NotionApiError.validation(
          "body failed validation: " + path + " should have exactly one condition.");
    }
    Map.Entry<String, JsonNode> entry = condition.properties().iterator().next();
    String op = entry.getKey();
    JsonNode expected = entry.getValue();
    if (op.equals("is_empty")) {
      return actual == null;
    }
    if (op.equals("is_not_empty")) {
      return actual != null;
    }
    switch (type) {
      case "title", "rich_text" -> {
        String text = actual == null ? "" : actual.toString();
        String want = expected.asText();
        String lower = text.toLowerCase(Locale.ROOT);
        String wantLower = want.toLowerCase(Locale.ROOT);
        return switch (op) {
          case "equals" -> text.equals(want);
          case "does_not_equal" -> !text.equals(want);
          case "contains" -> lower.contains(wantLower);
          case "does_not_contain" -> !lower.contains(wantLower);
          case "starts_with" -> lower.startsWith(wantLower);
          case "ends_with" -> lower.endsWith(wantLower);
          default -> throw unknown(path, op);
        };
      }
      case "number" -> {
        if (!expected.isNumber()) {
          throw NotionApiError.validation(
              "body failed validation: " + path + "." + op + " should be a number.");
        }
        if (actual == null) {
          return op.equals("does_not_equal");
        }
        double value = (Double) actual;
        double want = expected.asDouble();
        return switch (op) {
          case "equals" -> value == want;
          case "does_not_equal" -> value != want;
          case "greater_than" -> value > want;
          case "less_than" -> value < want;
          case "greater_than_or_equal_to" -> value >= want;
          case "less_than_or_equal_to" -> value <= want;
          default -> throw unknown(path, op);
        };
      }
      case "select", "status" -> {
        return switch (op) {
          case "equals" -> expected.asText().equals(actual);
          case "does_not_equal" -> !expected.asText().equals(actual);
          default -> throw unknown(path, op);
        };
      }
      case "multi_select" -> {
        String names = actual == null ? "" : actual.toString();
        boolean has = names.contains("\u0000" + expected.asText() + "\u0000");
        return switch (op) {
          case "contains" -> has;
          case "does_not_contain" -> !has;
          default -> throw unknown(path, op);
        };
      }
      case "checkbox" -> {
        if (!expected.isBoolean()) {
          throw NotionApiError.validation(
              "body failed validation: " + path + "." + op + " should be a boolean.");
        }
        boolean value = Boolean.TRUE.equals(actual);
        return switch (op) {
          case "equals" -> value == expected.asBoolean();
          case "does_not_equal" -> value != expected.asBoolean();
          default -> throw unknown(path, op);
        };
      }
      case "date" -> {
        if (actual == null) {
          return false;
        }
        String want = expected.asText();
        String value = actual.toString();
        int length = Math.min(want.length(), value.length());
        int order = value.substring(0, length).compareTo(want.substring(0, length));
        return switch (op) {
          case "equals" -> order == 0;
          case "before" -> order < 0;
          case "after" -> order > 0;
          case "on_or_before" -> order <= 0;
          case "on_or_after" -> order >= 0;
          default -> throw unknown(path, op);
        };
      }
      default ->
          throw NotionApiError.validation(
              "body failed validation: the fake cannot filter on " + type + " properties.");
    }
  }

  private static NotionApiError unknown(String path, String op) {
    return NotionApiError.validation(
        "body failed validation: " + path + "." + op + " is not a supported condition.");
  }
}
