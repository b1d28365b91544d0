package dev.nexus.connectors.notion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nexus.core.tool.ToolResult;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every Notion tool through the real OkHttp client against the fake Notion server. */
class NotionToolsTest {

  private static final Pattern PAGE_ID = Pattern.compile("page id: ([0-9a-f-]{36})");

  private NotionTestBed bed = new NotionTestBed();

  @AfterEach
  void tearDown() {
    bed.close();
  }

  @Test
  void search_pages_listsMatchingTitlesWithTheirIds() {
    ToolResult result = bed.call("notion_search", Map.of("query", "meeting"));

    assertThat(result.isSuccess()).isTrue();
    assertThat(result.content())
        .isEqualTo(
            "1 page:\n- Meeting notes 2026-01-12 (page id: "
                + bed.seeded.meetingNotesPageId()
                + ")");
  }

  @Test
  void search_dataSources_listsThemWithDataSourceIds() {
    ToolResult result =
        bed.call("notion_search", Map.of("query", "Projects", "kind", "data_source"));

    assertThat(result.content())
        .isEqualTo(
            "1 data source:\n- Projects (data source id: "
                + bed.seeded.projectsDataSourceId()
                + ")");
  }

  @Test
  void search_respectsMaxResults_andSaysWhenNothingMatched() {
    ToolResult some = bed.call("notion_search", Map.of("query", "", "max_results", 3));
    ToolResult none = bed.call("notion_search", Map.of("query", "no such title"));

    assertThat(some.content()).startsWith("3 pages:");
    assertThat(some.content().lines()).hasSize(4);
    assertThat(none.content()).isEqualTo("0 pages.");
  }

  @Test
  void search_acrossSeveralResultPages_followsTheCursorToEveryMatch() {
    // given Notion answers at most 7 results at a time, and 30 pages match
    bed.workspace.limitPageSize(7);

    // when
    ToolResult result = bed.call("notion_search", Map.of("query", "Project", "max_results", 50));

    // then
    assertThat(result.content()).startsWith("30 pages:");
    for (int i = 1; i <= 30; i++) {
      assertThat(result.content()).contains("- Project " + i + " (page id: ");
    }
    assertThat(PAGE_ID.matcher(result.content()).results().map(m -> m.group(1)).distinct())
        .hasSize(30);
    assertThat(bed.server.requestCount("POST", "/v1/search")).isEqualTo(5);
  }

  @Test
  void search_stopsFollowingTheCursorOnceItHasMaxResults() {
    bed.workspace.limitPageSize(7);

    ToolResult result = bed.call("notion_search", Map.of("query", "Project", "max_results", 10));

    assertThat(result.content()).startsWith("10 pages:");
    assertThat(result.content().lines()).hasSize(11);
    assertThat(bed.server.requestCount("POST", "/v1/search")).isEqualTo(2);
  }

  @Test
  void readPage_rendersTitleAndNestedBlocksAsText() {
    ToolResult result =
        bed.call("notion_read_page", Map.of("page_id", bed.seeded.handbookPageId()));

    assertThat(result.isSuccess()).isTrue();
    assertThat(result.content())
        .startsWith("Title: Team Handbook\nPage id: " + bed.seeded.handbookPageId())
        .contains("# Welcome to the team")
        .contains("## Working agreements")
        .contains("- Every change is reviewed\n  - Small changes get one reviewer\n")
        .contains("    - Typos may be merged by the author")
        .contains("1. Write the design note\n2. Review it with the team\n3. Build it")
        .contains("- [ ] Read the security guide")
        .contains("```shell\n./mvnw -q verify\n```")
        .contains("[child page: On-call rota (page id: ");
  }

  @Test
  void readPage_followsPaginationThroughEveryBlock() {
    ToolResult result = bed.call("notion_read_page", Map.of("page_id", bed.seeded.roadmapPageId()));

    assertThat(result.content())
        .contains("Roadmap item 2:")
        .contains("Roadmap item 102:")
        .contains("Roadmap item 250:")
        .doesNotContain("output cut");
    assertThat(bed.server.requestCount("GET", "/v1/blocks/" + bed.seeded.roadmapPageId()))
        .isEqualTo(3);
  }

  @Test
  void readPage_longerThanTheCap_isCutWithANote_andStopsReading() {
    bed.close();
    bed = new NotionTestBed(settings -> settings.withMaxOutputChars(1_000));

    ToolResult result = bed.call("notion_read_page", Map.of("page_id", bed.seeded.roadmapPageId()));

    assertThat(result.content()).hasSizeLessThanOrEqualTo(1_000);
    assertThat(result.content())
        .endsWith("[... output cut at 1000 characters; the rest was left out]");
    assertThat(bed.server.requestCount("GET", "/v1/blocks/")).isEqualTo(1);
  }

  @Test
  void readPage_ofADataSourceRow_listsItsProperties() {
    String row = bed.workspace.pageIdByTitle("Project 4").orElseThrow();

    ToolResult result = bed.call("notion_read_page", Map.of("page_id", row));

    assertThat(result.content())
        .contains("Title: Project 4")
        .contains("- Status: In progress")
        .contains("- Priority: Medium")
        .contains("- Done: no")
        .contains("- Estimate: 4.0")
        .contains("(no content)");
  }

  @Test
  void readPage_acceptsANotionUrlOrAnUndashedId() {
    String id = bed.seeded.meetingNotesPageId();
    String url = "https://www.notion.so/acme/Meeting-notes-" + id.replace("-", "") + "?pvs=4";

    ToolResult byUrl = bed.call("notion_read_page", Map.of("page_id", url));
    ToolResult undashed = bed.call("notion_read_page", Map.of("page_id", id.replace("-", "")));

    assertThat(byUrl.content()).contains("Title: Meeting notes 2026-01-12");
    assertThat(undashed.content()).isEqualTo(byUrl.content());
  }

  @Test
  void readPage_withAMalformedId_failsWithoutCallingNotion() {
    ToolResult result = bed.call("notion_read_page", Map.of("page_id", "../../users"));

    assertThat(result.status()).isEqualTo(ToolResult.Status.ERROR);
    assertThat(result.content()).contains("'page_id' must be a Notion id");
    assertThat(bed.server.requests()).isEmpty();
  }

  @Test
  void createPage_underAPage_turnsMarkdownIntoBlocks() {
    String markdown =
        """
        # Plan

        Ship **the connector** with `OkHttp`, see [docs](https://developers.notion.com).

        - first
          - nested
        - second

        1. one
        2. two

        ```java
        class A {}
        ```
        """;

    ToolResult result =
        bed.call(
            "notion_create_page",
            Map.of(
                "title",
                "Launch plan",
                "content",
                markdown,
                "parent_page_id",
                bed.seeded.handbookPageId()));

    String id = createdId(result);
    assertThat(result.content()).isEqualTo("Created page \"Launch plan\" (page id: " + id + ").");
    assertThat(bed.workspace.title(id)).contains("Launch plan");
    assertThat(bed.workspace.text(id))
        .isEqualTo(
            """
            heading_1: Plan
            paragraph: Ship the connector with OkHttp, see docs.
            bulleted_list_item: first
              bulleted_list_item: nested
            bulleted_list_item: second
            numbered_list_item: one
            numbered_list_item: two
            code: class A {}
            """);
    List<ObjectNode> blocks = bed.workspace.children(id);
    JsonNode paragraph = blocks.get(1).path("paragraph").path("rich_text");
    assertThat(paragraph.get(1).path("annotations").path("bold").asBoolean()).isTrue();
    assertThat(paragraph.get(3).path("annotations").path("code").asBoolean()).isTrue();
    assertThat(paragraph.get(5).path("href").asText()).isEqualTo("https://developers.notion.com");
    assertThat(blocks.get(6).path("code").path("language").asText()).isEqualTo("java");
  }

  @Test
  void createPage_inADataSource_setsItsTitleProperty() {
    ToolResult result =
        bed.call(
            "notion_create_page",
            Map.of(
                "title",
                "Project 31",
                "content",
                "Kick-off next week.",
                "parent_data_source_id",
                bed.seeded.projectsDataSourceId()));

    String id = createdId(result);
    ObjectNode page = bed.workspace.page(id).orElseThrow();
    assertThat(page.path("parent").path("data_source_id").asText())
        .isEqualTo(bed.seeded.projectsDataSourceId());
    assertThat(
            page.path("properties").path("Name").path("title").get(0).path("plain_text").asText())
        .isEqualTo("Project 31");
    assertThat(bed.workspace.text(id)).isEqualTo("paragraph: Kick-off next week.\n");
  }

  @Test
  void createPage_withoutAParent_usesTheConfiguredDefault() {
    bed.close();
    bed =
        new NotionTestBed(
            (settings, seeded) -> settings.withDefaultParentPageId(seeded.handbookPageId()));

    ToolResult result = bed.call("notion_create_page", Map.of("title", "Orphan"));

    String id = createdId(result);
    assertThat(bed.workspace.page(id).orElseThrow().path("parent").path("page_id").asText())
        .isEqualTo(bed.seeded.handbookPageId());
  }

  @Test
  void createPage_withoutAParentOrDefault_createsAPrivatePageAtTheWorkspaceTop() {
    ToolResult result = bed.call("notion_create_page", Map.of("title", "Orphan"));

    String id = createdId(result);
    assertThat(bed.workspace.page(id).orElseThrow().path("parent").path("type").asText())
        .isEqualTo("workspace");
    assertThat(bed.workspace.page(id).orElseThrow().path("parent").path("workspace").asBoolean())
        .isTrue();
    assertThat(bed.workspace.title(id)).contains("Orphan");
  }

  @Test
  void createPage_withBothParents_isRefused() {
    ToolResult result =
        bed.call(
            "notion_create_page",
            Map.of(
                "title",
                "Twice",
                "parent_page_id",
                bed.seeded.handbookPageId(),
                "parent_data_source_id",
                bed.seeded.projectsDataSourceId()));

    assertThat(result.content()).contains("not both");
    assertThat(bed.server.requests()).isEmpty();
  }

  @Test
  void createPage_withALongParagraph_splitsItsTextAt2000Characters() {
    String paragraph =
        IntStream.range(0, 900).mapToObj(i -> "word" + i).collect(Collectors.joining(" "));

    ToolResult result =
        bed.call(
            "notion_create_page",
            Map.of(
                "title",
                "Long",
                "content",
                paragraph,
                "parent_page_id",
                bed.seeded.handbookPageId()));

    String id = createdId(result);
    JsonNode rich = bed.workspace.children(id).get(0).path("paragraph").path("rich_text");
    assertThat(paragraph.length()).isGreaterThan(4000);
    assertThat(rich.size()).isEqualTo((paragraph.length() + 1999) / 2000);
    rich.forEach(
        part -> assertThat(part.path("plain_text").asText().length()).isLessThanOrEqualTo(2000));
    assertThat(bed.workspace.text(id)).isEqualTo("paragraph: " + paragraph + "\n");
  }

  @Test
  void createPage_with250Blocks_sendsThemInBatchesOf100() {
    String content =
        IntStream.rangeClosed(1, 250)
            .mapToObj(i -> "Line " + i)
            .collect(Collectors.joining("\n\n"));

    ToolResult result =
        bed.call(
            "notion_create_page",
            Map.of(
                "title", "Big", "content", content, "parent_page_id", bed.seeded.handbookPageId()));

    String id = createdId(result);
    assertThat(bed.workspace.blockCount(id)).isEqualTo(250);
    List<ObjectNode> blocks = bed.workspace.children(id);
    assertThat(blocks.get(0).path("paragraph").path("rich_text").get(0).path("plain_text").asText())
        .isEqualTo("Line 1");
    assertThat(
            blocks.get(249).path("paragraph").path("rich_text").get(0).path("plain_text").asText())
        .isEqualTo("Line 250");
    assertThat(bed.server.requestCount("POST", "/v1/pages")).isEqualTo(1);
    assertThat(bed.server.requestCount("PATCH", "/v1/blocks/" + id + "/children")).isEqualTo(2);
  }

  @Test
  void append_addsBlocksAtTheEndInBatches() {
    String id = bed.seeded.meetingNotesPageId();
    int before = bed.workspace.blockCount(id);
    String content =
        IntStream.rangeClosed(1, 150)
            .mapToObj(i -> "- action " + i)
            .collect(Collectors.joining("\n"));

    ToolResult result = bed.call("notion_append", Map.of("page_id", id, "content", content));

    assertThat(result.content()).isEqualTo("Appended 150 blocks to page " + id + ".");
    assertThat(bed.workspace.blockCount(id)).isEqualTo(before + 150);
    assertThat(bed.workspace.text(id)).endsWith("bulleted_list_item: action 150\n");
    assertThat(bed.server.requestCount("PATCH", "/v1/blocks/" + id + "/children")).isEqualTo(2);
  }

  @Test
  void append_withNothingToAdd_isRefused() {
    ToolResult result =
        bed.call(
            "notion_append", Map.of("page_id", bed.seeded.meetingNotesPageId(), "content", "  "));

    assertThat(result.content()).isEqualTo("'content' has no text to append");
  }

  @Test
  void updatePage_title_renamesThePage() {
    String id = bed.seeded.meetingNotesPageId();

    ToolResult result =
        bed.call("notion_update_page", Map.of("page_id", id, "title", "Meeting notes (final)"));

    assertThat(result.content())
        .isEqualTo("Updated page \"Meeting notes (final)\" (page id: " + id + "): title.");
    assertThat(bed.workspace.title(id)).contains("Meeting notes (final)");
  }

  @Test
  void updatePage_properties_ofADataSourceRow() {
    String id = bed.workspace.pageIdByTitle("Project 1").orElseThrow();

    ToolResult result =
        bed.call(
            "notion_update_page",
            Map.of(
                "page_id",
                id,
                "properties",
                "{\"Status\":{\"status\":{\"name\":\"Done\"}},\"Estimate\":{\"number\":8}}"));

    assertThat(result.content())
        .isEqualTo("Updated page \"Project 1\" (page id: " + id + "): Status, Estimate.");
    JsonNode properties = bed.workspace.page(id).orElseThrow().path("properties");
    assertThat(properties.path("Status").path("status").path("name").asText()).isEqualTo("Done");
    assertThat(properties.path("Estimate").path("number").asInt()).isEqualTo(8);
  }

  @Test
  void updatePage_withPropertiesThatAreNotAJsonObject_isRefused() {
    ToolResult result =
        bed.call(
            "notion_update_page",
            Map.of("page_id", bed.seeded.meetingNotesPageId(), "properties", "[1,2]"));

    assertThat(result.content()).isEqualTo("'properties' must be a JSON object");
    assertThat(bed.server.requests()).isEmpty();
  }

  @Test
  void archivePage_movesItToTheTrash() {
    String id = bed.seeded.meetingNotesPageId();

    ToolResult result = bed.call("notion_archive_page", Map.of("page_id", id));

    assertThat(result.content())
        .isEqualTo("Moved page \"Meeting notes 2026-01-12\" (page id: " + id + ") to the trash.");
    assertThat(bed.workspace.inTrash(id)).isTrue();
    assertThat(bed.call("notion_search", Map.of("query", "meeting")).content())
        .isEqualTo("0 pages.");
  }

  @Test
  void queryDataSource_filtersAndSorts() {
    ToolResult result =
        bed.call(
            "notion_query_data_source",
            Map.of(
                "data_source_id",
                bed.seeded.projectsDataSourceId(),
                "filter",
                "{\"and\":[{\"property\":\"Status\",\"status\":{\"equals\":\"Done\"}},"
                    + "{\"property\":\"Estimate\",\"number\":{\"greater_than\":20}}]}",
                "sorts",
                "[{\"property\":\"Estimate\",\"direction\":\"descending\"}]"));

    assertThat(result.content())
        .startsWith("3 pages:\n- Project 29 (page id: ")
        .contains("Status: Done; Priority: Low")
        .contains("- Project 26 (page id: ")
        .contains("- Project 23 (page id: ");
    assertThat(result.content().indexOf("Project 26"))
        .isLessThan(result.content().indexOf("Project 23"));
  }

  @Test
  void queryDataSource_withMoreRowsThanAskedFor_saysSo() {
    ToolResult result =
        bed.call(
            "notion_query_data_source",
            Map.of("data_source_id", bed.seeded.projectsDataSourceId(), "max_results", 5));

    assertThat(result.content()).startsWith("5 pages:").contains("More pages match");
  }

  @Test
  void queryDataSource_acrossSeveralResultPages_followsTheCursorToEveryRow() {
    // given Notion answers at most 7 rows at a time, and the data source holds 30
    bed.workspace.limitPageSize(7);

    // when
    ToolResult result =
        bed.call(
            "notion_query_data_source",
            Map.of(
                "data_source_id",
                bed.seeded.projectsDataSourceId(),
                "sorts",
                "[{\"property\":\"Estimate\",\"direction\":\"ascending\"}]",
                "max_results",
                100));

    // then
    assertThat(result.content()).startsWith("30 pages:").doesNotContain("More pages match");
    for (int i = 1; i <= 30; i++) {
      assertThat(result.content()).contains("- Project " + i + " (page id: ");
    }
    assertThat(result.content().indexOf("- Project 7 ("))
        .isLessThan(result.content().indexOf("- Project 8 ("));
    assertThat(PAGE_ID.matcher(result.content()).results().map(m -> m.group(1)).distinct())
        .hasSize(30);
    assertThat(
            bed.server.requestCount(
                "POST", "/v1/data_sources/" + bed.seeded.projectsDataSourceId() + "/query"))
        .isEqualTo(5);
  }

  @Test
  void queryDataSource_stopsFollowingTheCursorOnceItHasMaxResults() {
    bed.workspace.limitPageSize(7);

    ToolResult result =
        bed.call(
            "notion_query_data_source",
            Map.of("data_source_id", bed.seeded.projectsDataSourceId(), "max_results", 10));

    assertThat(result.content()).startsWith("10 pages:").contains("More pages match");
    assertThat(
            bed.server.requestCount(
                "POST", "/v1/data_sources/" + bed.seeded.projectsDataSourceId() + "/query"))
        .isEqualTo(2);
  }

  @Test
  void queryDataSource_withAFilterNotionRejects_passesOnNotionsReason() {
    ToolResult result =
        bed.call(
            "notion_query_data_source",
            Map.of(
                "data_source_id",
                bed.seeded.projectsDataSourceId(),
                "filter",
                "{\"property\":\"Colour\",\"select\":{\"equals\":\"red\"}}"));

    assertThat(result.status()).isEqualTo(ToolResult.Status.ERROR);
    assertThat(result.content())
        .isEqualTo(
            "Notion refused the notion_query_data_source request as invalid: Could not find"
                + " property with name or id: Colour");
  }

  @Test
  void queryDataSource_withFilterThatIsNotJson_isRefusedBeforeCallingNotion() {
    ToolResult result =
        bed.call(
            "notion_query_data_source",
            Map.of("data_source_id", bed.seeded.projectsDataSourceId(), "filter", "status = done"));

    assertThat(result.content()).isEqualTo("'filter' is not valid JSON");
    assertThat(bed.server.requests()).isEmpty();
  }

  private static String createdId(ToolResult result) {
    assertThat(result.isSuccess()).as(result.content()).isTrue();
    Matcher matcher = PAGE_ID.matcher(result.content());
    assertThat(matcher.find()).as(result.content()).isTrue();
    return matcher.group(1);
  }
}
