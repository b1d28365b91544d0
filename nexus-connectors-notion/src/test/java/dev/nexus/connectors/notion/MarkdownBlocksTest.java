package dev.nexus.connectors.notion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarkdownBlocksTest {

  @Test
  void headings_deeperThanThree_becomeLevelThree() {
    List<ObjectNode> blocks = MarkdownBlocks.toBlocks("# A\n## B\n### C\n#### D\n###### E");

    assertThat(blocks)
        .extracting(b -> b.path("type").asText())
        .containsExactly("heading_1", "heading_2", "heading_3", "heading_3", "heading_3");
  }

  @Test
  void lists_nestTwoLevels_andDeeperItemsStayAtTheDeepestLevel() {
    List<ObjectNode> blocks = MarkdownBlocks.toBlocks("- a\n  - b\n    - c\n      - d\n");

    JsonNode b = blocks.get(0).path("bulleted_list_item").path("children").get(0);
    JsonNode level2 = b.path("bulleted_list_item").path("children");
    assertThat(blocks).hasSize(1);
    assertThat(text(level2.get(0))).isEqualTo("c");
    assertThat(level2.get(0).path("bulleted_list_item").has("children")).isFalse();
    assertThat(text(level2.get(1))).isEqualTo("d");
    assertThat(MarkdownBlocks.count(blocks)).isEqualTo(4);
  }

  @Test
  void orderedLists_becomeNumberedItems() {
    List<ObjectNode> blocks = MarkdownBlocks.toBlocks("1. one\n2. two\n");

    assertThat(blocks)
        .extracting(b -> b.path("type").asText())
        .containsExactly("numbered_list_item", "numbered_list_item");
  }

  @Test
  void code_keepsKnownLanguages_andMapsAliases_andFallsBackToPlainText() {
    List<ObjectNode> blocks =
        MarkdownBlocks.toBlocks("```py\nprint(1)\n```\n\n```klingon\nx\n```\n\n    indented\n");

    assertThat(blocks)
        .extracting(b -> b.path("code").path("language").asText())
        .containsExactly("python", "plain text", "plain text");
    assertThat(text(blocks.get(0))).isEqualTo("print(1)");
    assertThat(text(blocks.get(2))).isEqualTo("indented");
  }

  @Test
  void quotesAndRules_becomeQuoteAndDividerBlocks() {
    List<ObjectNode> blocks = MarkdownBlocks.toBlocks("> wise words\n\n---\n");

    assertThat(blocks).extracting(b -> b.path("type").asText()).containsExactly("quote", "divider");
  }

  @Test
  void links_onlyKeepHttpTargets() {
    List<ObjectNode> blocks =
        MarkdownBlocks.toBlocks("[ok](https://example.com) and [bad](javascript:alert(1))");

    JsonNode rich = blocks.get(0).path("paragraph").path("rich_text");
    assertThat(rich.get(0).path("text").path("link").path("url").asText())
        .isEqualTo("https://example.com");
    assertThat(rich.get(1).path("text").has("link")).isFalse();
    assertThat(rich.get(1).path("text").path("content").asText()).isEqualTo(" and bad");
  }

  @Test
  void longText_isSplitAt2000Characters_withoutBreakingASurrogatePair() {
    String text = "a".repeat(1999) + "😀" + "b".repeat(10);

    JsonNode rich = MarkdownBlocks.plainRichText(text);

    assertThat(rich.size()).isEqualTo(2);
    assertThat(rich.get(0).path("text").path("content").asText()).hasSize(1999);
    assertThat(rich.get(1).path("text").path("content").asText()).startsWith("😀");
  }

  @Test
  void textNeedingMoreThan100RichTextObjects_continuesInAnotherBlock() {
    String paragraph = "x".repeat(2000 * 101);

    List<ObjectNode> blocks = MarkdownBlocks.toBlocks(paragraph);

    assertThat(blocks).hasSize(2);
    assertThat(blocks.get(0).path("paragraph").path("rich_text").size()).isEqualTo(100);
    assertThat(blocks.get(1).path("paragraph").path("rich_text").size()).isEqualTo(1);
  }

  @Test
  void blankText_hasNoBlocks() {
    assertThat(MarkdownBlocks.toBlocks("  \n\n")).isEmpty();
  }

  private static String text(JsonNode block) {
    return NotionText.plain(block.path(block.path("type").asText()).path("rich_text"));
  }
}
