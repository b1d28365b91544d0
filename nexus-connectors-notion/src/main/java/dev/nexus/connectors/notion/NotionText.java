package dev.nexus.connectors.notion;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Renders Notion objects as plain, readable text for a language model. */
final class NotionText {

  private NotionText() {}

  /** The concatenated plain text of a rich-text array. */
  static String plain(JsonNode richText) {
    StringBuilder text = new StringBuilder();
    for (JsonNode part : richText) {
      if (part.hasNonNull("plain_text")) {
        text.append(part.get("plain_text").asText());
      } else {
        text.append(part.path("text").path("content").asText(""));
      }
    }
    return text.toString();
  }

  /** The title of a page (its property of type title) or of a data source, or "Untitled". */
  static String title(JsonNode object) {
    String title;
    if (object.has("title") && object.get("title").isArray()) {
      title = plain(object.get("title"));
    } else {
      title = titleProperty(object).map(e -> plain(e.getValue().path("title"))).orElse("");
    }
    return title.isBlank() ? "Untitled" : title;
  }

  /** The name and value of a page's title property, if it has one. */
  static java.util.Optional<Map.Entry<String, JsonNode>> titleProperty(JsonNode page) {
    Iterator<Map.Entry<String, JsonNode>> fields = page.path("properties").properties().iterator();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if ("title".equals(field.getValue().path("type").asText())) {
        return java.util.Optional.of(field);
      }
    }
    return java.util.Optional.empty();
  }

  /** One {@code name: value} line per property except the title, in Notion's order. */
  static List<String> properties(JsonNode page) {
    List<String> lines = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> fields = page.path("properties").properties().iterator();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (!"title".equals(field.getValue().path("type").asText())) {
        lines.add(field.getKey() + ": " + propertyValue(field.getValue()));
      }
    }
    return lines;
  }

  /** A property value as text; empty values read "(empty)". */
  static String propertyValue(JsonNode property) {
    String type = property.path("type").asText();
    JsonNode value = property.path(type);
    String text =
        switch (type) {
          case "title", "rich_text" -> plain(value);
          case "number" -> value.isNull() || value.isMissingNode() ? "" : value.asText();
          case "select", "status" -> value.path("name").asText("");
          case "multi_select" -> joinNames(value);
          case "date" ->
              value.isNull() || value.isMissingNode()
                  ? ""
                  : value.path("start").asText("")
                      + (value.hasNonNull("end") ? " to " + value.get("end").asText() : "");
          case "checkbox" -> value.asBoolean() ? "yes" : "no";
          case "url", "email", "phone_number", "created_time", "last_edited_time" ->
              value.isNull() ? "" : value.asText("");
          case "people" -> joinNames(value);
          case "relation" -> value.size() + " linked page(s)";
          case "formula" -> formula(value);
          case "unique_id" ->
              (value.hasNonNull("prefix") ? value.get("prefix").asText() + "-" : "")
                  + value.path("number").asText("");
          default -> "(" + type + ")";
        };
    return text.isBlank() ? "(empty)" : text;
  }

  private static String formula(JsonNode value) {
    String type = value.path("type").asText();
    JsonNode result = value.path(type);
    if ("date".equals(type)) {
      return result.path("start").asText("");
    }
    return result.isNull() || result.isMissingNode() ? "" : result.asText("");
  }

  private static String joinNames(JsonNode items) {
    List<String> names = new ArrayList<>();
    for (JsonNode item : items) {
      names.add(item.path("name").asText(item.path("id").asText("")));
    }
    return String.join(", ", names);
  }

  /**
   * One block as a line of text (without its children), indented by {@code depth}; {@code number}
   * is the position of a numbered list item among its neighbours.
   */
  static String block(JsonNode block, int depth, int number) {
    String type = block.path("type").asText();
    JsonNode value = block.path(type);
    String text = plain(value.path("rich_text"));
    String indent = "  ".repeat(depth);
    String line =
        switch (type) {
          case "paragraph" -> text;
          case "heading_1" -> "# " + text;
          case "heading_2" -> "## " + text;
          case "heading_3" -> "### " + text;
          case "bulleted_list_item" -> "- " + text;
          case "numbered_list_item" -> number + ". " + text;
          case "to_do" -> (value.path("checked").asBoolean() ? "- [x] " : "- [ ] ") + text;
          case "toggle" -> "> " + text;
          case "quote" -> "| " + text.replace("\n", "\n" + indent + "| ");
          case "callout" -> "Note: " + text;
          case "code" ->
              "```"
                  + value.path("language").asText("")
                  + "\n"
                  + indent
                  + text.replace("\n", "\n" + indent)
                  + "\n"
                  + indent
                  + "```";
          case "divider" -> "---";
          case "equation" -> value.path("expression").asText("");
          case "child_page" ->
              "[child page: " + value.path("title").asText("") + " (page id: " + id(block) + ")]";
          case "child_database" -> "[child database: " + value.path("title").asText("") + "]";
          case "bookmark", "embed", "link_preview" -> "[" + type + ": " + value.path("url") + "]";
          case "image", "video", "file", "pdf", "audio" -> "[" + type + caption(value) + "]";
          case "table_row" -> tableRow(value);
          case "table", "column_list", "column", "synced_block" -> "";
          default -> "[" + type + " block]";
        };
    return line.isEmpty() ? "" : indent + line;
  }

  private static String caption(JsonNode value) {
    String caption = plain(value.path("caption"));
    return caption.isBlank() ? "" : ": " + caption;
  }

  private static String tableRow(JsonNode value) {
    List<String> cells = new ArrayList<>();
    for (JsonNode cell : value.path("cells")) {
      cells.add(plain(cell));
    }
    return "| " + String.join(" | ", cells) + " |";
  }

  static String id(JsonNode object) {
    return object.path("id").asText("");
  }

  /** The text capped at {@code max} characters, with a note saying it was cut. */
  static String cap(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    String note = "\n[... output cut at " + max + " characters; the rest was left out]";
    int end = Math.max(0, max - note.length());
    if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + note;
  }
}
