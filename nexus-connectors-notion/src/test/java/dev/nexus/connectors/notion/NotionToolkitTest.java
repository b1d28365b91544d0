package dev.nexus.connectors.notion;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.nexus.core.authorization.Capability;
import dev.nexus.core.tool.Parameter;
import dev.nexus.core.tool.RiskClass;
import dev.nexus.core.tool.Tool;
import dev.nexus.core.tool.ToolSpec;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.testkit.notion.Fault;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The toolkit's declarations match the shared tool table, and its logs carry no secrets. */
class NotionToolkitTest {

  @Test
  void tools_matchTheSharedToolTable() {
    try (NotionTestBed bed = new NotionTestBed()) {
      Map<String, ToolSpec> specs =
          bed.toolkit.tools().stream()
              .map(Tool::spec)
              .collect(Collectors.toMap(ToolSpec::name, spec -> spec));

      assertThat(bed.toolkit.name()).isEqualTo("notion");
      assertThat(specs).hasSize(7);
      expect(
          specs,
          "notion_search",
          RiskClass.READ,
          Capability.READ_NOTION,
          "query*",
          "kind",
          "max_results");
      expect(specs, "notion_read_page", RiskClass.READ, Capability.READ_NOTION, "page_id*");
      expect(
          specs,
          "notion_create_page",
          RiskClass.WRITE,
          Capability.CREATE_NOTION_PAGES,
          "title*",
          "content",
          "parent_page_id",
          "parent_data_source_id");
      expect(
          specs,
          "notion_append",
          RiskClass.WRITE,
          Capability.UPDATE_NOTION_PAGES,
          "page_id*",
          "content*");
      expect(
          specs,
          "notion_update_page",
          RiskClass.WRITE,
          Capability.UPDATE_NOTION_PAGES,
          "page_id*",
          "title",
          "properties");
      expect(
          specs,
          "notion_archive_page",
          RiskClass.DESTRUCTIVE,
          Capability.UPDATE_NOTION_PAGES,
          "page_id*");
      expect(
          specs,
          "notion_query_data_source",
          RiskClass.READ,
          Capability.READ_NOTION,
          "data_source_id*",
          "filter",
          "sorts",
          "max_results");
      assertThat(specs.get("notion_search").parameters().parameter("kind").orElseThrow().allowed())
          .containsExactly("page", "data_source");
      assertThat(bed.toolkit.oauthProvider().orElseThrow().provider()).isEqualTo(ProviderId.NOTION);
    }
  }

  @Test
  void logs_oneLinePerFailure_withoutTokensOrContent() {
    Logger logger = (Logger) LoggerFactory.getLogger("dev.nexus.connectors.notion");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    Level before = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    try (NotionTestBed bed = new NotionTestBed()) {
      bed.server.expire(bed.tokens.accessToken());
      bed.server.fail("POST", "/v1/pages", Fault.dropConnection());

      bed.call("notion_read_page", Map.of("page_id", bed.seeded.handbookPageId()));
      bed.call(
          "notion_create_page",
          Map.of(
              "title", "Secret plans",
              "content", "The launch date is confidential.",
              "parent_page_id", bed.seeded.handbookPageId()));

      String refreshed = bed.vault.find(bed.grantKey()).orElseThrow().accessToken().reveal();
      List<String> lines = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
      assertThat(lines).isNotEmpty();
      assertThat(String.join("\n", lines))
          .doesNotContain(bed.tokens.accessToken())
          .doesNotContain(bed.tokens.refreshToken())
          .doesNotContain(refreshed)
          .doesNotContain("Secret plans")
          .doesNotContain("confidential")
          .doesNotContain("Team Handbook")
          .doesNotContain("Welcome to the team");
      assertThat(appender.list.stream().filter(e -> e.getLevel() == Level.WARN).toList())
          .singleElement()
          .extracting(ILoggingEvent::getFormattedMessage)
          .asString()
          .startsWith("notion_create_page failed: OutcomeUnknownException");
    } finally {
      logger.setLevel(before);
      logger.detachAppender(appender);
    }
  }

  private static void expect(
      Map<String, ToolSpec> specs,
      String name,
      RiskClass risk,
      Capability capability,
      String... parameters) {
    ToolSpec spec = specs.get(name);
    assertThat(spec).as(name).isNotNull();
    assertThat(spec.risk()).as(name).isEqualTo(risk);
    assertThat(spec.capability()).as(name).isEqualTo(capability);
    assertThat(spec.parameters().parameters())
        .as(name)
        .extracting((Parameter p) -> p.name() + (p.required() ? "*" : ""))
        .containsExactly(parameters);
  }
}
