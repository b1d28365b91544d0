package dev.nexus.agent.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.agent.offline.ToolOutputs.Mail;
import dev.nexus.agent.offline.ToolOutputs.PageHit;
import org.junit.jupiter.api.Test;

class ToolOutputsTest {

  @Test
  void unframe_removesTheRuntimesFrameAndTruncationNote() {
    String framed =
        "<tool-output tool=\"gmail_search\" status=\"success\" trust=\"untrusted\">\n"
            + "2 messages:\nid: a\n"
            + "[output truncated: showing 100 of 900 characters]\n"
            + "</tool-output>";

    assertThat(ToolOutputs.unframe(framed)).isEqualTo("2 messages:\nid: a");
  }

  @Test
  void unframe_leavesUnframedTextAlone() {
    assertThat(ToolOutputs.unframe("  Sent message m-1 to a@b.test.\n"))
        .isEqualTo("Sent message m-1 to a@b.test.");
  }

  @Test
  void mails_readsBlocksInOrder_toleratingCaseAndMissingFields() {
    String output =
        "3 messages:\nID: m1\nFrom: Ana <ana@x.test>\nSubject: Hi\nsnippet\n"
            + "id: m2\nsubject: No sender\n"
            + "id: m3\nfrom: bo@x.test\nsubject: subject: nested\n";

    assertThat(ToolOutputs.mails(output))
        .containsExactly(
            new Mail("m1", "Ana <ana@x.test>", "Hi"),
            new Mail("m2", "", "No sender"),
            new Mail("m3", "bo@x.test", "subject: nested"));
  }

  @Test
  void pageHits_readsPagesAndDataSources_ignoringOtherLines() {
    String output =
        "3 results:\n- Plans (page id: p-1)\n- Tasks (data source id: ds-2)\nnot a hit (page id: x)";

    assertThat(ToolOutputs.pageHits(output))
        .containsExactly(new PageHit("Plans", "p-1", false), new PageHit("Tasks", "ds-2", true));
  }

  @Test
  void reason_isTheFirstLineWithoutItsFullStop_capped() {
    assertThat(ToolOutputs.reason("Gmail is not connected.\nMore details"))
        .isEqualTo("Gmail is not connected");
    assertThat(ToolOutputs.reason("x".repeat(500))).hasSize(203);
    assertThat(ToolOutputs.reason("  ")).isEqualTo("no reason was given");
  }

  @Test
  void senderName_prefersTheDisplayName() {
    assertThat(ToolOutputs.senderName("\"Bo Chen\" <bo@x.test>")).isEqualTo("Bo Chen");
    assertThat(ToolOutputs.senderName("bo@x.test")).isEqualTo("bo@x.test");
    assertThat(ToolOutputs.senderName("<bo@x.test>")).isEqualTo("<bo@x.test>");
  }
}
