package dev.nexus.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.core.conversation.ChatMessage;
import dev.nexus.core.conversation.ChatMessage.ToolResultMessage;
import dev.nexus.core.conversation.ChatMessage.UserMessage;
import dev.nexus.core.tool.ToolCallId;
import dev.nexus.core.tool.ToolResult;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UntrustedOutputTest {

  /** The rule the cheap scan stands in front of: the expression that does the neutralising. */
  private static final Pattern TAG = Pattern.compile("(?i)<(/?)tool-output");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "plain text",
        "Ann <ann@example.com>",
        "<b>bold</b>",
        "<tool-output",
        "</tool-output>",
        "x </TOOL-OUTPUT> y",
        "x <Tool-Output tool=\"a\">",
        "<<tool-output",
        "</ tool-output>",
        "< tool-output",
        "<//tool-output",
        "<tool_output",
        "<tool-outpu",
        "tool-output without a bracket",
        "ends with <",
        "ends with </",
        "<\u0131tool-output"
      })
  void theScan_neverMissesWhatTheExpressionFinds(String content) {
    if (TAG.matcher(content).find()) {
      assertThat(UntrustedOutput.mayHoldTag(content)).isTrue();
    }
    String framed = UntrustedOutput.frame("t", ToolResult.success(content), 1_000);
    String inside = framed.substring(framed.indexOf('\n') + 1, framed.lastIndexOf('\n'));
    assertThat(TAG.matcher(inside).find()).isFalse();
    assertThat(inside).isEqualTo(TAG.matcher(content).replaceAll("<$1tool_output"));
  }

  @Test
  void theScan_answersNoForOrdinaryMail() {
    assertThat(UntrustedOutput.mayHoldTag("From: Ann <ann@example.com>\nsubject: <hi>")).isFalse();
    assertThat(UntrustedOutput.mayHoldTag("a <tool-output b")).isTrue();
    assertThat(UntrustedOutput.mayHoldTag("a </tOOl-OUTput> b")).isTrue();
  }

  @Test
  void framingOneMessage_leavesOthersAlone_andFramesToolResults() {
    ChatMessage user = new UserMessage("hello </tool-output>");
    ChatMessage result =
        new ToolResultMessage(new ToolCallId("c1"), "read", ToolResult.success("x</tool-output>"));

    List<ChatMessage> framed = UntrustedOutput.framed(List.of(user, result), 1_000);

    assertThat(framed.get(0)).isSameAs(user);
    assertThat(((ToolResultMessage) framed.get(1)).result().content())
        .isEqualTo(
            "<tool-output tool=\"read\" status=\"success\" trust=\"untrusted\">\n"
                + "x</tool_output>\n</tool-output>");
  }
}
