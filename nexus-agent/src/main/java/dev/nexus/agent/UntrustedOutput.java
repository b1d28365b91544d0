package dev.nexus.agent;

import dev.nexus.core.conversation.ChatMessage;
import dev.nexus.core.conversation.ChatMessage.ToolResultMessage;
import dev.nexus.core.tool.ToolResult;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Frames tool output for the model as delimited, untrusted data. The content is capped, and any
 * text inside it that looks like the frame's own tags is neutralised so output cannot close the
 * frame and pose as instructions.
 */
final class UntrustedOutput {

  static final String OPEN = "<tool-output";
  static final String CLOSE = "</tool-output>";

  /** The frame's tags in any case, opening or closing. */
  private static final Pattern TAG = Pattern.compile("(?i)<(/?)tool-output");

  private static final String TAG_NAME = "tool-output";

  private UntrustedOutput() {}

  /** The messages as the model should see them: every tool result framed and capped. */
  static List<ChatMessage> framed(List<ChatMessage> messages, int maxChars) {
    return messages.stream().map(message -> framed(message, maxChars)).toList();
  }

  /**
   * One message as the model should see it: a tool result framed and capped, others as they are.
   */
  static ChatMessage framed(ChatMessage message, int maxChars) {
    if (message instanceof ToolResultMessage result) {
      return new ToolResultMessage(
          result.callId(),
          result.toolName(),
          new ToolResult(
              result.result().status(), frame(result.toolName(), result.result(), maxChars)));
    }
    return message;
  }

  static String frame(String toolName, ToolResult result, int maxChars) {
    String content = result.content();
    String note = "";
    if (content.length() > maxChars) {
      note =
          "\n[output truncated: showing " + maxChars + " of " + content.length() + " characters]";
      content = content.substring(0, maxChars);
    }
    return OPEN
        + " tool=\""
        + toolName
        + "\" status=\""
        + result.status().name().toLowerCase(Locale.ROOT)
        + "\" trust=\"untrusted\">\n"
        + neutralise(content)
        + note
        + "\n"
        + CLOSE;
  }

  private static String neutralise(String content) {
    return mayHoldTag(content) ? TAG.matcher(content).replaceAll("<$1tool_output") : content;
  }

  /**
   * Whether {@code content} may hold a frame tag: a {@code <}, an optional {@code /}, then {@code
   * tool-output} in any case. A cheap scan that lets most output skip the expression; it may answer
   * yes where the expression finds nothing (it folds case more widely), never the other way round.
   */
  static boolean mayHoldTag(String content) {
    int name = TAG_NAME.length();
    for (int at = content.indexOf('<'); at >= 0; at = content.indexOf('<', at + 1)) {
      int start = at + 1;
      if (start < content.length() && content.charAt(start) == '/') {
        start++;
      }
      if (content.regionMatches(true, start, TAG_NAME, 0, name)) {
        return true;
      }
    }
    return false;
  }
}
