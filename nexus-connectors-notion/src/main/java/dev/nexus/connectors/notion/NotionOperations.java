package dev.nexus.connectors.notion;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nexus.connectors.notion.NotionClient.Kind;
import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.error.NexusException;
import dev.nexus.core.error.OutcomeUnknownException;
import dev.nexus.core.error.ProviderException;
import dev.nexus.core.tool.ToolArguments;
import dev.nexus.core.tool.ToolContext;
import dev.nexus.core.tool.ToolResult;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What each Notion tool does, over {@link NotionClient}. */
final class NotionOperations {

  /** Notion's limit on blocks in one create or append request. */
  static final int MAX_BLOCKS_PER_REQUEST = 100;

  private static final int PAGE_SIZE = 100;

  private final NotionSettings settings;
  private final NotionClient client;
  private final ObjectMapper json;

  NotionOperations(NotionSettings settings, NotionClient client) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.client = Objects.requireNonNull(client, "client");
    this.json = client.json();
  }

  ToolResult search(ToolContext context, ToolArguments args) {
    String query = args.string("query");
    String kind = args.optionalString("kind").orElse("page");
    int max = args.optionalInteger("max_results").orElse(10L).intValue();

    List<JsonNode> found = new ArrayList<>();
    String cursor = null;
    do {
      ObjectNode body = json.createObjectNode();
      body.put("query", query);
      body.putObject("filter").put("property", "object").put("value", kind);
      body.put("page_size", Math.min(PAGE_SIZE, max - found.size()));
      if (cursor != null) {
        body.put("start_cursor", cursor);
      }
      JsonNode answer = client.post(context, "search", body, Kind.READ, "notion_search");
      for (JsonNode result : answer.path("results")) {
        if (found.size() < max) {
          found.add(result);
        }
      }
      cursor = nextCursor(answer);
    } while (cursor != null && found.size() < max);

    boolean pages = "page".equals(kind);
    StringBuilder out = new StringBuilder();
    out.append(found.size())
        .append(pages ? (found.size() == 1 ? " page" : " pages") : " data source")
        .append(!pages && found.size() != 1 ? "s" : "")
        .append(found.isEmpty() ? "." : ":");
    for (JsonNode result : found) {
      out.append("\n- ")
          .append(oneLine(NotionText.title(result)))
          .append(pages ? " (page id: " : " (data source id: ")
          .append(NotionText.id(result))
          .append(')');
    }
    return ToolResult.success(NotionText.cap(out.toString(), settings.maxOutputChars()));
  }

  ToolResult readPage(ToolContext context, ToolArguments args) {
    String id = NotionIds.normalize(args.string("page_id"), "page_id");
    JsonNode page = client.get(context, "pages/" + id, Map.of(), "notion_read_page");

    StringBuilder out = new StringBuilder();
    out.append("Title: ").append(oneLine(NotionText.title(page))).append('\n');
    out.append("Page id: ").append(NotionText.id(page)).append('\n');
    if (page.hasNonNull("url")) {
      out.append("URL: ").append(page.get("url").asText()).append('\n');
    }
    if (page.path("in_trash").asBoolean() || page.path("archived").asBoolean()) {
      out.append("This page is in the trash.\n");
    }
    List<String> properties = NotionText.properties(page);
    if (!properties.isEmpty()) {
      out.append("Properties:\n");
      properties.forEach(line -> out.append("- ").append(oneLine(line)).append('\n'));
    }
    out.append("Content:\n");
    int before = out.length();
    appendChildren(context, id, 0, out);
    if (out.length() == before) {
      out.append("(no content)\n");
    }
    return ToolResult.success(NotionText.cap(out.toString().stripTrailing(), max()));
  }

  private void appendChildren(ToolContext context, String blockId, int depth, StringBuilder out) {
    String cursor = null;
    int number = 0;
    do {
      Map<String, String> query = new LinkedHashMap<>();
      query.put("page_size", String.valueOf(PAGE_SIZE));
      if (cursor != null) {
        query.put("start_cursor", cursor);
      }
      JsonNode answer =
          client.get(context, "blocks/" + blockId + "/children", query, "notion_read_page");
      for (JsonNode block : answer.path("results")) {
        if (out.length() > max()) {
          return;
        }
        String type = block.path("type").asText();
        number = "numbered_list_item".equals(type) ? number + 1 : 0;
        String line = NotionText.block(block, depth, number);
        if (!line.isEmpty()) {
          out.append(line).append('\n');
        }
        boolean nested =
            block.path("has_children").asBoolean()
                && !"child_page".equals(type)
                && !"child_database".equals(type);
        if (nested && depth + 1 < settings.maxBlockDepth()) {
          appendChildren(context, NotionText.id(block), depth + 1, out);
        } else if (nested) {
          out.append("  ".repeat(depth + 1)).append("[nested blocks not shown]\n");
        }
      }
      cursor = nextCursor(answer);
    } while (cursor != null && out.length() <= max());
  }

  ToolResult createPage(ToolContext context, ToolArguments args) {
    String title = args.string("title");
    if (title.isBlank()) {
      throw new InvalidInputException("'title' must not be blank");
    }
    String content = args.optionalString("content").orElse("");
    var parentPage = args.optionalString("parent_page_id");
    var parentDataSource = args.optionalString("parent_data_source_id");
    if (parentPage.isPresent() && parentDataSource.isPresent()) {
      throw new InvalidInputException(
          "give either 'parent_page_id' or 'parent_data_source_id', not both");
    }

    ObjectNode body = json.createObjectNode();
    ObjectNode properties = json.createObjectNode();
    if (parentDataSource.isPresent()) {
      String dataSource = NotionIds.normalize(parentDataSource.get(), "parent_data_source_id");
      JsonNode schema =
          client.get(context, "data_sources/" + dataSource, Map.of(), "notion_create_page");
      String titleName =
          titlePropertyName(schema)
              .orElseThrow(
                  () -> new ProviderException("the Notion data source has no title property"));
      body.putObject("parent").put("type", "data_source_id").put("data_source_id", dataSource);
      properties.putObject(titleName).set("title", MarkdownBlocks.plainRichText(title));
    } else {
      java.util.Optional<String> parent =
          parentPage
              .map(value -> NotionIds.normalize(value, "parent_page_id"))
              .or(() -> java.util.Optional.ofNullable(settings.defaultParentPageId()));
      if (parent.isPresent()) {
        body.putObject("parent").put("type", "page_id").put("page_id", parent.get());
      } else {
        // Nexus connects as a public integration, which may create a private page at the top of
        // the user's workspace.
        body.putObject("parent").put("type", "workspace").put("workspace", true);
      }
      properties.putObject("title").set("title", MarkdownBlocks.plainRichText(title));
    }
    body.set("properties", properties);
    List<ObjectNode> blocks = MarkdownBlocks.toBlocks(content);
    List<ObjectNode> first = blocks.subList(0, Math.min(MAX_BLOCKS_PER_REQUEST, blocks.size()));
    if (!first.isEmpty()) {
      ArrayNode children = body.putArray("children");
      first.forEach(children::add);
    }

    JsonNode created = client.post(context, "pages", body, Kind.WRITE, "notion_create_page");
    String id = NotionText.id(created);
    String answer = "Created page \"" + oneLine(title) + "\" (page id: " + id + ").";
    appendAll(context, id, blocks, first.size(), "notion_create_page", answer);
    return ToolResult.success(answer);
  }

  ToolResult append(ToolContext context, ToolArguments args) {
    String id = NotionIds.normalize(args.string("page_id"), "page_id");
    List<ObjectNode> blocks = MarkdownBlocks.toBlocks(args.string("content"));
    if (blocks.isEmpty()) {
      throw new InvalidInputException("'content' has no text to append");
    }
    appendAll(context, id, blocks, 0, "notion_append", null);
    return ToolResult.success(
        "Appended "
            + blocks.size()
            + (blocks.size() == 1 ? " block" : " blocks")
            + " to page "
            + id
            + ".");
  }

  /**
   * Appends {@code blocks} from index {@code from} in requests of at most 100. When a request after
   * the first fails, the failure says how far the content got; {@code done} describes what already
   * happened before this method was called (null when nothing did).
   */
  private void appendAll(
      ToolContext context,
      String pageId,
      List<ObjectNode> blocks,
      int from,
      String op,
      String done) {
    int sent = from;
    while (sent < blocks.size()) {
      List<ObjectNode> batch =
          blocks.subList(sent, Math.min(blocks.size(), sent + MAX_BLOCKS_PER_REQUEST));
      ObjectNode body = json.createObjectNode();
      ArrayNode children = body.putArray("children");
      batch.forEach(children::add);
      try {
        client.patch(context, "blocks/" + pageId + "/children", body, op);
      } catch (NexusException e) {
        if (sent == 0 && done == null) {
          throw e;
        }
        String progress =
            (done == null ? "" : done + " ")
                + "Only "
                + sent
                + " of "
                + blocks.size()
                + " top-level blocks were added before Notion failed: "
                + e.getMessage();
        throw e instanceof OutcomeUnknownException
            ? new OutcomeUnknownException(progress, e)
            : new ProviderException(progress, e);
      }
      sent += batch.size();
    }
  }

  ToolResult updatePage(ToolContext context, ToolArguments args) {
    String id = NotionIds.normalize(args.string("page_id"), "page_id");
    var title = args.optionalString("title");
    var propertiesText = args.optionalString("properties");
    if (title.isEmpty() && propertiesText.isEmpty()) {
      throw new InvalidInputException("give 'title', 'properties' or both to update a page");
    }

    ObjectNode properties =
        propertiesText.map(text -> jsonObject(text, "properties")).orElse(json.createObjectNode());
    if (title.isPresent()) {
      if (title.get().isBlank()) {
        throw new InvalidInputException("'title' must not be blank");
      }
      JsonNode page = client.get(context, "pages/" + id, Map.of(), "notion_update_page");
      String name = NotionText.titleProperty(page).map(Map.Entry::getKey).orElse("title");
      properties.putObject(name).set("title", MarkdownBlocks.plainRichText(title.get()));
    }
    ObjectNode body = json.createObjectNode();
    body.set("properties", properties);

    JsonNode updated = client.patch(context, "pages/" + id, body, "notion_update_page");
    List<String> names = new ArrayList<>();
    properties.properties().forEach(entry -> names.add(entry.getKey()));
    return ToolResult.success(
        "Updated page \""
            + oneLine(NotionText.title(updated))
            + "\" (page id: "
            + NotionText.id(updated)
            + "): "
            + String.join(", ", names)
            + ".");
  }

  ToolResult archivePage(ToolContext context, ToolArguments args) {
    String id = NotionIds.normalize(args.string("page_id"), "page_id");
    ObjectNode body = json.createObjectNode();
    body.put("in_trash", true);
    JsonNode page = client.patch(context, "pages/" + id, body, "notion_archive_page");
    return ToolResult.success(
        "Moved page \""
            + oneLine(NotionText.title(page))
            + "\" (page id: "
            + NotionText.id(page)
            + ") to the trash.");
  }

  ToolResult queryDataSource(ToolContext context, ToolArguments args) {
    String id = NotionIds.normalize(args.string("data_source_id"), "data_source_id");
    int max = args.optionalInteger("max_results").orElse(20L).intValue();
    ObjectNode template = json.createObjectNode();
    args.optionalString("filter")
        .ifPresent(text -> template.set("filter", jsonObject(text, "filter")));
    args.optionalString("sorts").ifPresent(text -> template.set("sorts", sorts(text)));

    List<JsonNode> rows = new ArrayList<>();
    String cursor = null;
    boolean more;
    do {
      ObjectNode body = template.deepCopy();
      body.put("page_size", Math.min(PAGE_SIZE, max - rows.size()));
      if (cursor != null) {
        body.put("start_cursor", cursor);
      }
      JsonNode answer =
          client.post(
              context,
              "data_sources/" + id + "/query",
              body,
              Kind.READ,
              "notion_query_data_source");
      for (JsonNode row : answer.path("results")) {
        if (rows.size() < max) {
          rows.add(row);
        }
      }
      cursor = nextCursor(answer);
      more = cursor != null;
    } while (more && rows.size() < max);

    StringBuilder out = new StringBuilder();
    out.append(rows.size()).append(rows.size() == 1 ? " page" : " pages");
    out.append(rows.isEmpty() ? "." : ":");
    for (JsonNode row : rows) {
      out.append("\n- ")
          .append(oneLine(NotionText.title(row)))
          .append(" (page id: ")
          .append(NotionText.id(row))
          .append(')');
      List<String> properties = NotionText.properties(row);
      if (!properties.isEmpty()) {
        out.append("\n  ").append(oneLine(String.join("; ", properties)));
      }
    }
    if (more) {
      out.append(
          "\nMore pages match; ask for more with a larger max_results or a narrower filter.");
    }
    return ToolResult.success(NotionText.cap(out.toString(), max()));
  }

  private JsonNode sorts(String text) {
    JsonNode parsed = parse(text, "sorts");
    if (parsed.isObject()) {
      ArrayNode array = json.createArrayNode();
      array.add(parsed);
      return array;
    }
    if (!parsed.isArray()) {
      throw new InvalidInputException("'sorts' must be a JSON array of Notion sort objects");
    }
    return parsed;
  }

  private ObjectNode jsonObject(String text, String argument) {
    JsonNode parsed = parse(text, argument);
    if (!parsed.isObject()) {
      throw new InvalidInputException("'" + argument + "' must be a JSON object");
    }
    return (ObjectNode) parsed;
  }

  private JsonNode parse(String text, String argument) {
    try {
      JsonNode parsed = json.readTree(text);
      if (parsed == null || parsed.isMissingNode()) {
        throw new InvalidInputException("'" + argument + "' must not be empty JSON");
      }
      return parsed;
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("'" + argument + "' is not valid JSON");
    }
  }

  private static java.util.Optional<String> titlePropertyName(JsonNode dataSource) {
    Iterator<Map.Entry<String, JsonNode>> fields =
        dataSource.path("properties").properties().iterator();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if ("title".equals(field.getValue().path("type").asText())) {
        return java.util.Optional.of(field.getValue().path("name").asText(field.getKey()));
      }
    }
    return java.util.Optional.empty();
  }

  private static String nextCursor(JsonNode answer) {
    return answer.path("has_more").asBoolean() && answer.hasNonNull("next_cursor")
        ? answer.get("next_cursor").asText()
        : null;
  }

  private static String oneLine(String text) {
    return text.replace('\n', ' ').replace('\r', ' ');
  }

  private int max() {
    return settings.maxOutputChars();
  }
}
