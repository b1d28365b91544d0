package dev.nexus.testkit.notion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Notion workspace inside {@link FakeNotionServer}: pages, their blocks, databases and their
 * data sources, held as the JSON objects Notion serves. Tests seed it ({@link #seed()}, {@link
 * #createPage}, {@link #addBlock}, {@link #createDataSource}, {@link #addRow}) and read it back to
 * check what a connector did ({@link #title}, {@link #inTrash}, {@link #children}, {@link #text}).
 * Thread-safe: every method holds the workspace's lock.
 */
public final class NotionWorkspace {

  /** The block types this fake accepts in create and append requests. */
  static final Set<String> TEXT_BLOCKS =
      Set.of(
          "paragraph",
          "heading_1",
          "heading_2",
          "heading_3",
          "bulleted_list_item",
          "numbered_list_item",
          "to_do",
          "toggle",
          "quote",
          "callout",
          "code");

  static final Set<String> CODE_LANGUAGES =
      Set.of(
          "abap",
          "bash",
          "basic",
          "c",
          "c#",
          "c++",
          "clojure",
          "coffeescript",
          "css",
          "dart",
          "diff",
          "docker",
          "elixir",
          "elm",
          "erlang",
          "f#",
          "go",
          "graphql",
          "groovy",
          "haskell",
          "html",
          "java",
          "javascript",
          "json",
          "julia",
          "kotlin",
          "latex",
          "less",
          "lisp",
          "lua",
          "makefile",
          "markdown",
          "matlab",
          "mermaid",
          "nix",
          "objective-c",
          "ocaml",
          "pascal",
          "perl",
          "php",
          "plain text",
          "powershell",
          "prolog",
          "protobuf",
          "python",
          "r",
          "ruby",
          "rust",
          "sass",
          "scala",
          "scheme",
          "scss",
          "shell",
          "sql",
          "swift",
          "typescript",
          "vb.net",
          "verilog",
          "vhdl",
          "visual basic",
          "webassembly",
          "xml",
          "yaml");

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final int MAX_TEXT = 2000;
  private static final int MAX_CHILDREN = 100;
  private static final int MAX_NESTING = 2;

  private final String id = UUID.randomUUID().toString();
  private final String name;
  private final String botId = UUID.randomUUID().toString();
  private final Clock clock;
  private final AtomicLong sequence = new AtomicLong();

  private final Map<String, ObjectNode> pages = new LinkedHashMap<>();
  private final Map<String, ObjectNode> blocks = new HashMap<>();
  private final Map<String, List<String>> children = new HashMap<>();
  private final Map<String, ObjectNode> dataSources = new LinkedHashMap<>();
  private final Map<String, ObjectNode> databases = new LinkedHashMap<>();
  private final Map<String, Long> edited = new HashMap<>();
  private final Set<String> restricted = new HashSet<>();
  private int largestPage = MAX_CHILDREN;

  /** The ids {@link #seed()} created. */
  public record Seeded(
      String handbookPageId,
      String meetingNotesPageId,
      String roadmapPageId,
      String projectsDatabaseId,
      String projectsDataSourceId,
      int projectRows) {}

  NotionWorkspace(String name, Clock clock) {
    this.name = Objects.requireNonNull(name, "name");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public String id() {
    return id;
  }

  public String name() {
    return name;
  }

  /** The id of the integration's bot user in this workspace. */
  public String botId() {
    return botId;
  }

  // ------------------------------------------------------------------ seeding

  /**
   * Fills the workspace with realistic content: a team handbook with headings, lists, nested
   * bullets, to-dos, code and a child page; meeting notes; a roadmap of 250 blocks (more than two
   * pages of children); and a "Projects" data source with 30 rows of mixed properties.
   */
  public synchronized Seeded seed() {
    String handbook = createPage(null, "Team Handbook");
    addBlock(handbook, "heading_1", "Welcome to the team");
    addBlock(
        handbook,
        "paragraph",
        "This handbook explains how we work: where decisions are written down, how we review"
            + " code, and who to ask when something is unclear.");
    addBlock(handbook, "heading_2", "Working agreements");
    String reviews = addBlock(handbook, "bulleted_list_item", "Every change is reviewed");
    String small = addBlock(reviews, "bulleted_list_item", "Small changes get one reviewer");
    addBlock(small, "bulleted_list_item", "Typos may be merged by the author");
    addBlock(reviews, "bulleted_list_item", "Risky changes get two reviewers");
    addBlock(handbook, "numbered_list_item", "Write the design note");
    addBlock(handbook, "numbered_list_item", "Review it with the team");
    addBlock(handbook, "numbered_list_item", "Build it behind a flag");
    addBlock(handbook, "to_do", "Read the security guide");
    addBlock(handbook, "code", "./mvnw -q verify");
    addBlock(handbook, "quote", "Make it work, make it right, make it fast.");
    createPage(handbook, "On-call rota");

    String notes = createPage(null, "Meeting notes 2026-01-12");
    addBlock(notes, "heading_2", "Attendees");
    addBlock(notes, "paragraph", "Aiko, Bertrand, Chiara, Dawit");
    addBlock(notes, "heading_2", "Decisions");
    addBlock(notes, "bulleted_list_item", "Ship the Notion connector in January");
    addBlock(notes, "bulleted_list_item", "Move the weekly sync to Thursdays");

    String roadmap = createPage(null, "Roadmap 2026");
    for (int i = 1; i <= 250; i++) {
      addBlock(
          roadmap,
          i % 25 == 1 ? "heading_2" : "paragraph",
          i % 25 == 1
              ? "Quarter section " + (i / 25 + 1)
              : "Roadmap item " + i + ": improve the onboarding flow step " + i + ".");
    }

    String projects = createDataSource(null, "Projects");
    String[] statuses = {"Not started", "In progress", "Done"};
    String[] priorities = {"High", "Medium", "Low"};
    for (int i = 1; i <= 30; i++) {
      Map<String, Object> values = new LinkedHashMap<>();
      values.put("Status", statuses[i % 3]);
      values.put("Priority", priorities[i % 3]);
      values.put("Due", String.format(Locale.ROOT, "2026-%02d-%02d", 1 + i % 12, 1 + i % 28));
      values.put("Done", i % 3 == 2);
      values.put("Estimate", i);
      addRow(projects, "Project " + i, values);
    }
    String database = dataSources.get(projects).path("parent").path("database_id").asText();
    return new Seeded(handbook, notes, roadmap, database, projects, 30);
  }

  /** Creates a page under {@code parentPageId} (null: at the workspace's top); returns its id. */
  public synchronized String createPage(String parentPageId, String title) {
    ObjectNode parent = NODES.objectNode();
    if (parentPageId == null) {
      parent.put("type", "workspace").put("workspace", true);
    } else {
      existingPage(parentPageId);
      parent.put("type", "page_id").put("page_id", parentPageId);
    }
    ObjectNode properties = NODES.objectNode();
    ObjectNode titleProperty = properties.putObject("title");
    titleProperty.put("id", "title").put("type", "title");
    titleProperty.set("title", richText(plainRichText(title), "title"));
    return storePage(parent, properties, parentPageId);
  }

  /** Creates a page of {@code count} paragraphs (for example for benchmarks); returns its id. */
  public synchronized String createLongPage(String parentPageId, String title, int count) {
    String page = createPage(parentPageId, title);
    for (int i = 1; i <= count; i++) {
      addBlock(page, "paragraph", "Paragraph " + i + " of " + title + ": some ordinary text.");
    }
    return page;
  }

  /**
   * Adds a block of a text type ({@code paragraph}, {@code heading_1}, {@code bulleted_list_item},
   * {@code code}, ...) at the end of a page's or block's children; returns its id.
   */
  public synchronized String addBlock(String parentId, String type, String text) {
    if (!TEXT_BLOCKS.contains(type)) {
      throw new IllegalArgumentException("not a text block type: " + type);
    }
    ObjectNode value = NODES.objectNode();
    value.set("rich_text", richText(plainRichText(text), "rich_text"));
    if ("code".equals(type)) {
      value.put("language", "shell");
    }
    if ("to_do".equals(type)) {
      value.put("checked", false);
    }
    return storeBlock(parentId, type, value);
  }

  /**
   * Creates a database with one data source under {@code parentPageId} (null: at the top), with the
   * properties Name (title), Status (status), Priority (select), Due (date), Done (checkbox) and
   * Estimate (number); returns the data source's id.
   */
  public synchronized String createDataSource(String parentPageId, String title) {
    String databaseId = UUID.randomUUID().toString();
    String dataSourceId = UUID.randomUUID().toString();
    String now = now();

    ObjectNode schema = NODES.objectNode();
    schemaProperty(schema, "Name", "title", "title");
    ObjectNode status = schemaProperty(schema, "Status", "status", "s%3Ft");
    ArrayNode statusOptions = status.putObject("status").putArray("options");
    for (String option : List.of("Not started", "In progress", "Done")) {
      statusOptions.addObject().put("id", UUID.randomUUID().toString()).put("name", option);
    }
    ObjectNode priority = schemaProperty(schema, "Priority", "select", "p%7Br");
    ArrayNode priorityOptions = priority.putObject("select").putArray("options");
    for (String option : List.of("High", "Medium", "Low")) {
      priorityOptions.addObject().put("id", UUID.randomUUID().toString()).put("name", option);
    }
    schemaProperty(schema, "Due", "date", "d%5Bu").putObject("date");
    schemaProperty(schema, "Done", "checkbox", "c%3Dk").putObject("checkbox");
    schemaProperty(schema, "Estimate", "number", "e%3As")
        .putObject("number")
        .put("format", "number");

    ObjectNode database = NODES.objectNode();
    database.put("object", "database").put("id", databaseId);
    database.set("title", richText(plainRichText(title), "title"));
    database.set("parent", parentOf(parentPageId));
    database.put("created_time", now).put("last_edited_time", now);
    database.put("in_trash", false).put("is_inline", false);
    database.putArray("data_sources").addObject().put("id", dataSourceId).put("name", title);
    database.put("url", url(title, databaseId));
    databases.put(databaseId, database);

    ObjectNode dataSource = NODES.objectNode();
    dataSource.put("object", "data_source").put("id", dataSourceId);
    dataSource.put("created_time", now).put("last_edited_time", now);
    dataSource.set("title", richText(plainRichText(title), "title"));
    dataSource.putArray("description");
    dataSource.set("properties", schema);
    dataSource.putObject("parent").put("type", "database_id").put("database_id", databaseId);
    dataSource.set("database_parent", parentOf(parentPageId));
    dataSource.put("archived", false).put("in_trash", false);
    dataSource.put("url", url(title, dataSourceId));
    dataSources.put(dataSourceId, dataSource);
    edited.put(dataSourceId, sequence.incrementAndGet());

    if (parentPageId != null) {
      existingPage(parentPageId);
      ObjectNode value = NODES.objectNode().put("title", title);
      storeBlockWithId(databaseId, parentPageId, "child_database", value);
    }
    return dataSourceId;
  }

  /**
   * Adds a row to a data source: {@code name} is its title, {@code values} maps property names to
   * simple values (a String for status, select and date, a Boolean for checkbox, a Number for
   * number). Returns the row page's id.
   */
  public synchronized String addRow(String dataSourceId, String name, Map<String, Object> values) {
    ObjectNode dataSource = existingDataSource(dataSourceId);
    ObjectNode input = NODES.objectNode();
    ObjectNode schema = (ObjectNode) dataSource.get("properties");
    input.putObject(titleName(schema)).set("title", plainRichText(name));
    values.forEach(
        (property, value) -> {
          JsonNode definition = schema.get(property);
          if (definition == null) {
            throw new IllegalArgumentException("no property " + property);
          }
          String type = definition.path("type").asText();
          ObjectNode entry = input.putObject(property);
          switch (type) {
            case "status", "select" -> entry.putObject(type).put("name", value.toString());
            case "date" -> entry.putObject("date").put("start", value.toString());
            case "checkbox" -> entry.put("checkbox", (Boolean) value);
            case "number" -> entry.put("number", ((Number) value).doubleValue());
            default -> entry.set(type, plainRichText(value.toString()));
          }
        });
    return storeRow(dataSourceId, input, "properties");
  }

  /**
   * Caps every list answer (search, block children, data source queries) at {@code size} results,
   * whatever {@code page_size} asks for, with {@code has_more} and {@code next_cursor} set as
   * usual. Notion too may answer fewer results than asked; this lets a test cross several pages
   * with little data.
   */
  public synchronized void limitPageSize(int size) {
    if (size < 1 || size > MAX_CHILDREN) {
      throw new IllegalArgumentException("size must be between 1 and " + MAX_CHILDREN);
    }
    largestPage = size;
  }

  /** Makes a page, block or data source answer 403 restricted_resource from now on. */
  public synchronized void restrict(String objectId) {
    restricted.add(objectId);
  }

  // ------------------------------------------------------------------ reading back

  /** Every page id, oldest first. */
  public synchronized List<String> pageIds() {
    return List.copyOf(pages.keySet());
  }

  /** The id of the newest page with exactly this title. */
  public synchronized Optional<String> pageIdByTitle(String title) {
    String found = null;
    for (Map.Entry<String, ObjectNode> page : pages.entrySet()) {
      if (title.equals(pageTitle(page.getValue()))) {
        found = page.getKey();
      }
    }
    return Optional.ofNullable(found);
  }

  /** A page's title, or empty when there is no such page. */
  public synchronized Optional<String> title(String pageId) {
    return Optional.ofNullable(pages.get(pageId)).map(NotionWorkspace::pageTitle);
  }

  /** The page object as the API serves it. */
  public synchronized Optional<ObjectNode> page(String pageId) {
    return Optional.ofNullable(pages.get(pageId)).map(ObjectNode::deepCopy);
  }

  /** Whether the page is in the trash. */
  public synchronized boolean inTrash(String pageId) {
    return existingPage(pageId).path("in_trash").asBoolean();
  }

  /** The direct children of a page or block, as the API serves them. */
  public synchronized List<ObjectNode> children(String parentId) {
    List<ObjectNode> out = new ArrayList<>();
    for (String child : children.getOrDefault(parentId, List.of())) {
      out.add(serveBlock(child));
    }
    return out;
  }

  /** How many blocks a page or block holds, at every depth. */
  public synchronized int blockCount(String parentId) {
    int count = 0;
    for (String child : children.getOrDefault(parentId, List.of())) {
      count += 1 + blockCount(child);
    }
    return count;
  }

  /**
   * The plain text of every block under a page or block, depth first, one block per line, each
   * prefixed with its type: {@code paragraph: Hello}.
   */
  public synchronized String text(String parentId) {
    StringBuilder out = new StringBuilder();
    appendText(parentId, 0, out);
    return out.toString();
  }

  private void appendText(String parentId, int depth, StringBuilder out) {
    for (String child : children.getOrDefault(parentId, List.of())) {
      ObjectNode block = blocks.get(child);
      String type = block.path("type").asText();
      out.append("  ".repeat(depth)).append(type).append(": ");
      out.append(plain(block.path(type).path("rich_text"))).append('\n');
      appendText(child, depth + 1, out);
    }
  }

  // ------------------------------------------------------------------ the API

  synchronized ObjectNode search(JsonNode body) {
    String query = body.path("query").asText("").toLowerCase(Locale.ROOT);
    JsonNode filter = body.path("filter");
    String only = null;
    if (!filter.isMissingNode() && !filter.isNull()) {
      if (!"object".equals(filter.path("property").asText())) {
        throw NotionApiError.validation(
            "body failed validation: body.filter.property should be `\"object\"`, instead was `"
                + filter.path("property")
                + "`.");
      }
      only = filter.path("value").asText();
      if (!only.equals("page") && !only.equals("data_source")) {
        throw NotionApiError.validation(
            "body failed validation: body.filter.value should be `\"page\"` or"
                + " `\"data_source\"`, instead was `\""
                + only
                + "\"`.");
      }
    }
    List<ObjectNode> hits = new ArrayList<>();
    if (only == null || only.equals("page")) {
      for (ObjectNode page : pages.values()) {
        if (!page.path("in_trash").asBoolean()
            && !restricted.contains(page.get("id").asText())
            && pageTitle(page).toLowerCase(Locale.ROOT).contains(query)) {
          hits.add(page);
        }
      }
    }
    if (only == null || only.equals("data_source")) {
      for (ObjectNode dataSource : dataSources.values()) {
        if (!restricted.contains(dataSource.get("id").asText())
            && plain(dataSource.get("title")).toLowerCase(Locale.ROOT).contains(query)) {
          hits.add(dataSource);
        }
      }
    }
    hits.sort(
        Comparator.comparing((ObjectNode o) -> edited.getOrDefault(o.get("id").asText(), 0L))
            .reversed());
    ObjectNode list =
        paginate(hits, served(body.path("page_size")), cursor(body.path("start_cursor")));
    list.put("type", "page_or_data_source").putObject("page_or_data_source");
    return list;
  }

  synchronized ObjectNode getPage(String pageId) {
    return existingPage(pageId).deepCopy();
  }

  synchronized ObjectNode createPage(JsonNode body) {
    JsonNode parent = body.path("parent");
    String type = parent.path("type").asText(null);
    if (type == null) {
      type =
          parent.has("page_id")
              ? "page_id"
              : parent.has("data_source_id")
                  ? "data_source_id"
                  : parent.has("database_id") ? "database_id" : null;
    }
    JsonNode childBlocks = body.path("children");
    if (!childBlocks.isMissingNode()) {
      validateBlocks(childBlocks, "body.children", 0);
    }
    String pageId;
    boolean atWorkspace =
        parent.isMissingNode() || "workspace".equals(type) || parent.path("workspace").asBoolean();
    if ("page_id".equals(type) || atWorkspace) {
      // A public integration may omit the parent (or send workspace: true) to create a private
      // page at the top of the workspace.
      String parentId =
          atWorkspace ? null : normalizeId(parent.path("page_id").asText(), "body.parent.page_id");
      if (parentId != null && existingPage(parentId).path("in_trash").asBoolean()) {
        throw NotionApiError.validation(
            "Can't edit block that is archived. You must unarchive the block before editing.");
      }
      ObjectNode properties = NODES.objectNode();
      Iterator<Map.Entry<String, JsonNode>> given = body.path("properties").properties().iterator();
      ObjectNode titleProperty = properties.putObject("title");
      titleProperty.put("id", "title").put("type", "title");
      titleProperty.set("title", NODES.arrayNode());
      while (given.hasNext()) {
        Map.Entry<String, JsonNode> entry = given.next();
        if (!entry.getKey().equals("title") && !entry.getKey().equals("Title")) {
          throw NotionApiError.validation(
              "body failed validation. Fix one: body.properties.title should be defined,"
                  + " instead was `undefined`. "
                  + entry.getKey()
                  + " is not a property that exists.");
        }
        JsonNode value =
            entry.getValue().has("title") ? entry.getValue().get("title") : entry.getValue();
        titleProperty.set("title", richText(value, "body.properties.title.title"));
      }
      ObjectNode parentNode =
          parentId == null
              ? NODES.objectNode().put("type", "workspace").put("workspace", true)
              : parent("page_id", parentId);
      pageId = storePage(parentNode, properties, parentId);
    } else if ("data_source_id".equals(type) || "database_id".equals(type)) {
      String dataSourceId;
      if ("database_id".equals(type)) {
        ObjectNode database =
            existingDatabase(normalizeId(parent.path("database_id").asText(), "database_id"));
        dataSourceId = database.path("data_sources").path(0).path("id").asText();
      } else {
        dataSourceId =
            normalizeId(parent.path("data_source_id").asText(), "body.parent.data_source_id");
      }
      pageId = storeRow(dataSourceId, body.path("properties"), "body.properties");
    } else {
      throw NotionApiError.validation(
          "body failed validation: body.parent.page_id should be defined, instead was"
              + " `undefined`.");
    }
    if (!childBlocks.isMissingNode()) {
      storeBlocks(pageId, childBlocks);
    }
    return pages.get(pageId).deepCopy();
  }

  synchronized ObjectNode updatePage(String pageId, JsonNode body) {
    ObjectNode page = existingPage(pageId);
    boolean trashed = page.path("in_trash").asBoolean();
    JsonNode trash = body.has("in_trash") ? body.get("in_trash") : body.get("archived");
    if (trash != null && !trash.isBoolean()) {
      throw NotionApiError.validation(
          "body failed validation: body.in_trash should be a boolean, instead was `"
              + trash
              + "`.");
    }
    JsonNode properties = body.path("properties");
    if (trashed && (trash == null || trash.asBoolean()) && properties.size() > 0) {
      throw NotionApiError.validation(
          "Can't edit block that is archived. You must unarchive the block before editing.");
    }
    if (properties.isObject()) {
      ObjectNode stored = (ObjectNode) page.get("properties");
      JsonNode schema = schemaOf(page);
      Iterator<Map.Entry<String, JsonNode>> fields = properties.properties().iterator();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        String propertyName = resolvePropertyName(stored, schema, field.getKey());
        String propertyType = stored.get(propertyName).path("type").asText();
        ObjectNode value =
            propertyValue(
                propertyType,
                field.getValue(),
                schema == null ? null : schema.get(propertyName),
                "body.properties." + field.getKey());
        value.put("id", stored.get(propertyName).path("id").asText());
        stored.set(propertyName, value);
      }
    } else if (!properties.isMissingNode()) {
      throw NotionApiError.validation(
          "body failed validation: body.properties should be an object, instead was `"
              + properties
              + "`.");
    }
    if (trash != null) {
      page.put("in_trash", trash.asBoolean()).put("archived", trash.asBoolean());
    }
    touch(page);
    return page.deepCopy();
  }

  synchronized ObjectNode listChildren(String parentId, JsonNode pageSize, JsonNode cursor) {
    existingParent(parentId);
    List<ObjectNode> all = new ArrayList<>();
    for (String child : children.getOrDefault(parentId, List.of())) {
      all.add(serveBlock(child));
    }
    ObjectNode list = paginate(all, served(pageSize), cursor(cursor));
    list.put("type", "block").putObject("block");
    return list;
  }

  synchronized ObjectNode appendChildren(String parentId, JsonNode body) {
    ObjectNode parent = existingParent(parentId);
    if (parent.path("in_trash").asBoolean()) {
      throw NotionApiError.validation(
          "Can't edit block that is archived. You must unarchive the block before editing.");
    }
    JsonNode childBlocks = body.path("children");
    if (childBlocks.isMissingNode()) {
      throw NotionApiError.validation(
          "body failed validation: body.children should be defined, instead was `undefined`.");
    }
    validateBlocks(childBlocks, "body.children", 0);
    List<String> added = storeBlocks(parentId, childBlocks);
    if (pages.containsKey(parentId)) {
      touch(pages.get(parentId));
    }
    List<ObjectNode> results = new ArrayList<>();
    added.forEach(block -> results.add(serveBlock(block)));
    ObjectNode list = paginate(results, MAX_CHILDREN, null);
    list.put("type", "block").putObject("block");
    return list;
  }

  synchronized ObjectNode getDataSource(String dataSourceId) {
    return existingDataSource(dataSourceId).deepCopy();
  }

  synchronized ObjectNode getDatabase(String databaseId) {
    return existingDatabase(databaseId).deepCopy();
  }

  synchronized ObjectNode queryDataSource(String dataSourceId, JsonNode body) {
    ObjectNode dataSource = existingDataSource(dataSourceId);
    ObjectNode schema = (ObjectNode) dataSource.get("properties");
    List<ObjectNode> rows = new ArrayList<>();
    JsonNode filter = body.path("filter");
    for (ObjectNode page : pages.values()) {
      if (dataSourceId.equals(page.path("parent").path("data_source_id").asText())
          && !page.path("in_trash").asBoolean()
          && (filter.isMissingNode()
              || filter.isNull()
              || NotionFilters.matches(page, filter, schema, "body.filter"))) {
        rows.add(page);
      }
    }
    JsonNode sorts = body.path("sorts");
    if (!sorts.isMissingNode() && !sorts.isNull()) {
      rows.sort(NotionFilters.comparator(sorts, schema));
    }
    ObjectNode list =
        paginate(rows, served(body.path("page_size")), cursor(body.path("start_cursor")));
    list.put("type", "page_or_data_source").putObject("page_or_data_source");
    return list;
  }

  // ------------------------------------------------------------------ storage

  private String storePage(ObjectNode parent, ObjectNode properties, String parentPageId) {
    String pageId = UUID.randomUUID().toString();
    String now = now();
    ObjectNode page = NODES.objectNode();
    page.put("object", "page").put("id", pageId);
    page.put("created_time", now).put("last_edited_time", now);
    page.putObject("created_by").put("object", "user").put("id", botId);
    page.putObject("last_edited_by").put("object", "user").put("id", botId);
    page.putNull("cover");
    page.putNull("icon");
    page.set("parent", parent);
    page.put("archived", false).put("in_trash", false).put("is_locked", false);
    page.set("properties", properties);
    pages.put(pageId, page);
    page.put("url", url(pageTitle(page), pageId));
    page.putNull("public_url");
    edited.put(pageId, sequence.incrementAndGet());
    if (parentPageId != null) {
      storeBlockWithId(
          pageId, parentPageId, "child_page", NODES.objectNode().put("title", pageTitle(page)));
    }
    return pageId;
  }

  private String storeRow(String dataSourceId, JsonNode given, String path) {
    ObjectNode dataSource = existingDataSource(dataSourceId);
    ObjectNode schema = (ObjectNode) dataSource.get("properties");
    ObjectNode properties = NODES.objectNode();
    Iterator<Map.Entry<String, JsonNode>> definitions = schema.properties().iterator();
    while (definitions.hasNext()) {
      Map.Entry<String, JsonNode> definition = definitions.next();
      String type = definition.getValue().path("type").asText();
      ObjectNode empty = NODES.objectNode();
      empty.put("id", definition.getValue().path("id").asText()).put("type", type);
      switch (type) {
        case "title", "rich_text", "multi_select", "people", "relation" -> empty.putArray(type);
        case "checkbox" -> empty.put(type, false);
        case "status" ->
            empty.set(type, definition.getValue().path("status").path("options").path(0));
        default -> empty.putNull(type);
      }
      properties.set(definition.getKey(), empty);
    }
    Iterator<Map.Entry<String, JsonNode>> fields = given.properties().iterator();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String propertyName = resolvePropertyName(properties, schema, field.getKey());
      ObjectNode value =
          propertyValue(
              properties.get(propertyName).path("type").asText(),
              field.getValue(),
              schema.get(propertyName),
              path + "." + field.getKey());
      value.put("id", properties.get(propertyName).path("id").asText());
      properties.set(propertyName, value);
    }
    ObjectNode parent = parent("data_source_id", dataSourceId);
    parent.put("database_id", dataSource.path("parent").path("database_id").asText());
    return storePage(parent, properties, null);
  }

  private List<String> storeBlocks(String parentId, JsonNode childBlocks) {
    List<String> added = new ArrayList<>();
    for (JsonNode block : childBlocks) {
      String type = blockType(block);
      ObjectNode value = ((ObjectNode) block.get(type)).deepCopy();
      JsonNode nested = value.remove("children");
      if (nested == null) {
        nested = block.get("children");
      }
      if (value.has("rich_text")) {
        value.set("rich_text", richText(value.get("rich_text"), "rich_text"));
      }
      if ("code".equals(type) && !value.has("language")) {
        value.put("language", "plain text");
      }
      if ("to_do".equals(type) && !value.has("checked")) {
        value.put("checked", false);
      }
      if (TEXT_BLOCKS.contains(type) && !"code".equals(type) && !value.has("color")) {
        value.put("color", "default");
      }
      String blockId = storeBlock(parentId, type, value);
      added.add(blockId);
      if (nested != null && nested.isArray()) {
        storeBlocks(blockId, nested);
      }
    }
    return added;
  }

  private String storeBlock(String parentId, String type, ObjectNode value) {
    return storeBlockWithId(UUID.randomUUID().toString(), parentId, type, value);
  }

  private String storeBlockWithId(String blockId, String parentId, String type, ObjectNode value) {
    existingParent(parentId);
    String now = now();
    ObjectNode block = NODES.objectNode();
    block.put("object", "block").put("id", blockId);
    block.set(
        "parent",
        pages.containsKey(parentId) ? parent("page_id", parentId) : parent("block_id", parentId));
    block.put("created_time", now).put("last_edited_time", now);
    block.putObject("created_by").put("object", "user").put("id", botId);
    block.putObject("last_edited_by").put("object", "user").put("id", botId);
    block.put("has_children", false).put("archived", false).put("in_trash", false);
    block.put("type", type);
    block.set(type, value);
    blocks.put(blockId, block);
    children.computeIfAbsent(parentId, k -> new ArrayList<>()).add(blockId);
    return blockId;
  }

  private ObjectNode serveBlock(String blockId) {
    ObjectNode block = blocks.get(blockId).deepCopy();
    block.put("has_children", !children.getOrDefault(blockId, List.of()).isEmpty());
    return block;
  }

  private void touch(ObjectNode page) {
    page.put("last_edited_time", now());
    edited.put(page.get("id").asText(), sequence.incrementAndGet());
  }

  // ------------------------------------------------------------------ validation

  private void validateBlocks(JsonNode list, String path, int depth) {
    if (!list.isArray()) {
      throw NotionApiError.validation(
          "body failed validation: " + path + " should be an array, instead was `" + list + "`.");
    }
    if (list.size() > MAX_CHILDREN) {
      throw NotionApiError.validation(
          "body failed validation: "
              + path
              + ".length should be ≤ `"
              + MAX_CHILDREN
              + "`, instead was `"
              + list.size()
              + "`.");
    }
    for (int i = 0; i < list.size(); i++) {
      JsonNode block = list.get(i);
      String at = path + "[" + i + "]";
      String type = blockType(block);
      if (type == null) {
        throw NotionApiError.validation(
            "body failed validation: " + at + ".type should be a supported block type.");
      }
      JsonNode value = block.get(type);
      if (!value.isObject()) {
        throw NotionApiError.validation(
            "body failed validation: " + at + "." + type + " should be an object.");
      }
      if (TEXT_BLOCKS.contains(type)) {
        JsonNode rich = value.path("rich_text");
        if (!rich.isArray()) {
          throw NotionApiError.validation(
              "body failed validation: "
                  + at
                  + "."
                  + type
                  + ".rich_text should be defined, instead was `undefined`.");
        }
        richText(rich, at + "." + type + ".rich_text");
      }
      if ("code".equals(type)
          && value.has("language")
          && !CODE_LANGUAGES.contains(value.get("language").asText())) {
        throw NotionApiError.validation(
            "body failed validation: "
                + at
                + ".code.language should be a supported language, instead was `\""
                + value.get("language").asText()
                + "\"`.");
      }
      JsonNode nested = value.has("children") ? value.get("children") : block.get("children");
      if (nested != null) {
        if (depth >= MAX_NESTING) {
          throw NotionApiError.validation(
              "body failed validation: "
                  + at
                  + "."
                  + type
                  + ".children should be not present, instead was `"
                  + nested.size()
                  + " blocks`.");
        }
        validateBlocks(nested, at + "." + type + ".children", depth + 1);
      }
    }
  }

  private static String blockType(JsonNode block) {
    String type = block.path("type").asText(null);
    if (type == null) {
      Iterator<String> names = block.properties().stream().map(Map.Entry::getKey).iterator();
      while (names.hasNext()) {
        String candidate = names.next();
        if (TEXT_BLOCKS.contains(candidate) || "divider".equals(candidate)) {
          type = candidate;
        }
      }
    }
    if (type == null || !(TEXT_BLOCKS.contains(type) || "divider".equals(type))) {
      return null;
    }
    return block.has(type) ? type : null;
  }

  /** Validates rich text input and answers it as Notion stores it. */
  static ArrayNode richText(JsonNode input, String path) {
    if (!input.isArray()) {
      throw NotionApiError.validation(
          "body failed validation: " + path + " should be an array, instead was `" + input + "`.");
    }
    if (input.size() > 100) {
      throw NotionApiError.validation(
          "body failed validation: "
              + path
              + ".length should be ≤ `100`, instead was `"
              + input.size()
              + "`.");
    }
    ArrayNode out = NODES.arrayNode();
    for (int i = 0; i < input.size(); i++) {
      JsonNode item = input.get(i);
      String content = item.path("text").path("content").asText(null);
      if (content == null) {
        throw NotionApiError.validation(
            "body failed validation: "
                + path
                + "["
                + i
                + "].text.content should be defined, instead was `undefined`.");
      }
      if (content.length() > MAX_TEXT) {
        throw NotionApiError.validation(
            "body failed validation: "
                + path
                + "["
                + i
                + "].text.content.length should be ≤ `"
                + MAX_TEXT
                + "`, instead was `"
                + content.length()
                + "`.");
      }
      JsonNode link = item.path("text").path("link");
      ObjectNode stored = out.addObject();
      stored.put("type", "text");
      ObjectNode text = stored.putObject("text");
      text.put("content", content);
      if (link.isObject()) {
        text.set("link", link.deepCopy());
      } else {
        text.putNull("link");
      }
      ObjectNode annotations = stored.putObject("annotations");
      JsonNode given = item.path("annotations");
      for (String flag : List.of("bold", "italic", "strikethrough", "underline", "code")) {
        annotations.put(flag, given.path(flag).asBoolean(false));
      }
      annotations.put("color", given.path("color").asText("default"));
      stored.put("plain_text", content);
      if (link.isObject()) {
        stored.put("href", link.path("url").asText());
      } else {
        stored.putNull("href");
      }
    }
    return out;
  }

  private static ArrayNode plainRichText(String text) {
    ArrayNode rich = NODES.arrayNode();
    for (int start = 0; start < text.length(); start += MAX_TEXT) {
      rich.addObject()
          .put("type", "text")
          .putObject("text")
          .put("content", text.substring(start, Math.min(text.length(), start + MAX_TEXT)));
    }
    return rich;
  }

  private ObjectNode propertyValue(String type, JsonNode given, JsonNode definition, String path) {
    ObjectNode value = NODES.objectNode();
    value.put("type", type);
    JsonNode raw = given.has(type) ? given.get(type) : null;
    if (raw == null) {
      throw NotionApiError.validation(
          "body failed validation: "
              + path
              + "."
              + type
              + " should be defined, instead was"
              + " `undefined`.");
    }
    switch (type) {
      case "title", "rich_text" -> value.set(type, richText(raw, path + "." + type));
      case "number" -> {
        if (!raw.isNumber() && !raw.isNull()) {
          throw NotionApiError.validation(
              "body failed validation: " + path + ".number should be a number or `null`.");
        }
        value.set(type, raw);
      }
      case "checkbox" -> {
        if (!raw.isBoolean()) {
          throw NotionApiError.validation(
              "body failed validation: " + path + ".checkbox should be a boolean.");
        }
        value.set(type, raw);
      }
      case "select", "status" -> {
        if (raw.isNull()) {
          value.putNull(type);
        } else {
          String optionName = raw.path("name").asText(null);
          JsonNode option = option(definition, type, optionName);
          if (option == null && "status".equals(type)) {
            throw NotionApiError.validation(
                "Invalid status option. Status option \"" + optionName + "\" does not exist.");
          }
          value.set(
              type,
              option != null
                  ? option.deepCopy()
                  : NODES
                      .objectNode()
                      .put("id", UUID.randomUUID().toString())
                      .put("name", optionName)
                      .put("color", "default"));
        }
      }
      case "date" -> {
        if (!raw.isNull() && !raw.path("start").isTextual()) {
          throw NotionApiError.validation(
              "body failed validation: " + path + ".date.start should be defined.");
        }
        value.set(type, raw.deepCopy());
      }
      default -> value.set(type, raw.deepCopy());
    }
    return value;
  }

  private static JsonNode option(JsonNode definition, String type, String optionName) {
    if (definition == null || optionName == null) {
      return null;
    }
    for (JsonNode option : definition.path(type).path("options")) {
      if (optionName.equals(option.path("name").asText())) {
        return option;
      }
    }
    return null;
  }

  private static String resolvePropertyName(ObjectNode stored, JsonNode schema, String key) {
    if (stored.has(key)) {
      return key;
    }
    Iterator<Map.Entry<String, JsonNode>> fields = stored.properties().iterator();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (key.equals(field.getValue().path("id").asText())) {
        return field.getKey();
      }
    }
    if ("title".equals(key) || (schema == null && "Title".equals(key))) {
      Iterator<Map.Entry<String, JsonNode>> all = stored.properties().iterator();
      while (all.hasNext()) {
        Map.Entry<String, JsonNode> field = all.next();
        if ("title".equals(field.getValue().path("type").asText())) {
          return field.getKey();
        }
      }
    }
    throw NotionApiError.validation(key + " is not a property that exists.");
  }

  private JsonNode schemaOf(ObjectNode page) {
    String dataSourceId = page.path("parent").path("data_source_id").asText(null);
    return dataSourceId == null ? null : dataSources.get(dataSourceId).get("properties");
  }

  // ------------------------------------------------------------------ lookups and helpers

  private ObjectNode existingPage(String pageId) {
    ObjectNode page = pages.get(pageId);
    if (page == null) {
      throw NotionApiError.notFound("page", pageId);
    }
    if (restricted.contains(pageId)) {
      throw NotionApiError.restricted();
    }
    return page;
  }

  private ObjectNode existingParent(String parentId) {
    if (restricted.contains(parentId)) {
      throw NotionApiError.restricted();
    }
    ObjectNode page = pages.get(parentId);
    if (page != null) {
      return page;
    }
    ObjectNode block = blocks.get(parentId);
    if (block == null) {
      throw NotionApiError.notFound("block", parentId);
    }
    return block;
  }

  private ObjectNode existingDataSource(String dataSourceId) {
    ObjectNode dataSource = dataSources.get(dataSourceId);
    if (dataSource == null) {
      throw NotionApiError.notFound("data_source", dataSourceId);
    }
    if (restricted.contains(dataSourceId)) {
      throw NotionApiError.restricted();
    }
    return dataSource;
  }

  private ObjectNode existingDatabase(String databaseId) {
    ObjectNode database = databases.get(databaseId);
    if (database == null) {
      throw NotionApiError.notFound("database", databaseId);
    }
    return database;
  }

  private static ObjectNode schemaProperty(ObjectNode schema, String name, String type, String id) {
    ObjectNode property = schema.putObject(name);
    property.put("id", id).put("name", name).put("type", type);
    return property;
  }

  private static String titleName(ObjectNode schema) {
    Iterator<Map.Entry<String, JsonNode>> fields = schema.properties().iterator();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if ("title".equals(field.getValue().path("type").asText())) {
        return field.getKey();
      }
    }
    throw new IllegalStateException("a data source always has a title property");
  }

  private static ObjectNode parent(String type, String parentId) {
    return NODES.objectNode().put("type", type).put(type, parentId);
  }

  private static ObjectNode parentOf(String parentPageId) {
    return parentPageId == null
        ? NODES.objectNode().put("type", "workspace").put("workspace", true)
        : parent("page_id", parentPageId);
  }

  static String pageTitle(JsonNode page) {
    Iterator<Map.Entry<String, JsonNode>> fields = page.path("properties").properties().iterator();
    while (fields.hasNext()) {
      JsonNode property = fields.next().getValue();
      if ("title".equals(property.path("type").asText())) {
        return plain(property.path("title"));
      }
    }
    return "";
  }

  static String plain(JsonNode richText) {
    StringBuilder text = new StringBuilder();
    for (JsonNode part : richText) {
      text.append(part.path("plain_text").asText(part.path("text").path("content").asText("")));
    }
    return text.toString();
  }

  private static String url(String title, String objectId) {
    String slug = title.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("(^-|-$)", "");
    return "https://www.notion.so/"
        + (slug.isEmpty() ? "" : slug + "-")
        + objectId.replace("-", "");
  }

  private String now() {
    return TIME.format(clock.instant());
  }

  /** The results one answer holds: what page_size asked for, within the test's cap. */
  private int served(JsonNode pageSize) {
    return Math.min(pageSize(pageSize), largestPage);
  }

  private static int pageSize(JsonNode value) {
    if (value == null || value.isMissingNode() || value.isNull()) {
      return MAX_CHILDREN;
    }
    int size = value.isNumber() ? value.asInt() : parseInt(value.asText());
    if (size < 1 || size > MAX_CHILDREN) {
      throw NotionApiError.validation(
          "body failed validation: page_size should be ≤ `100` and ≥ `1`, instead was `"
              + value.asText()
              + "`.");
    }
    return size;
  }

  private static int parseInt(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String cursor(JsonNode value) {
    return value == null || value.isMissingNode() || value.isNull() ? null : value.asText();
  }

  private static ObjectNode paginate(List<ObjectNode> all, int pageSize, String cursor) {
    int from = 0;
    if (cursor != null) {
      from = -1;
      for (int i = 0; i < all.size(); i++) {
        if (cursor.equals(all.get(i).path("id").asText())) {
          from = i;
          break;
        }
      }
      if (from < 0) {
        throw NotionApiError.validation("The start_cursor provided is invalid: " + cursor);
      }
    }
    int to = Math.min(all.size(), from + pageSize);
    ObjectNode list = NODES.objectNode();
    list.put("object", "list");
    ArrayNode results = list.putArray("results");
    for (int i = from; i < to; i++) {
      results.add(all.get(i).deepCopy());
    }
    if (to < all.size()) {
      list.put("next_cursor", all.get(to).path("id").asText());
      list.put("has_more", true);
    } else {
      list.putNull("next_cursor");
      list.put("has_more", false);
    }
    return list;
  }

  /** A path id in its dashed, lower-case form, or a validation error naming {@code path}. */
  static String normalizeId(String raw, String path) {
    String compact = raw == null ? "" : raw.replace("-", "").toLowerCase(Locale.ROOT);
    if (!compact.matches("[0-9a-f]{32}")) {
      throw NotionApiError.validation(
          path + " should be a valid uuid, instead was `\"" + raw + "\"`.");
    }
    return compact.substring(0, 8)
        + "-"
        + compact.substring(8, 12)
        + "-"
        + compact.substring(12, 16)
        + "-"
        + compact.substring(16, 20)
        + "-"
        + compact.substring(20);
  }
}
