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

  private UntrustedOutput() {}

  /** The messages as the model should see them: every tool result framed and capped. */
  static List<ChatMessage> framed(List<ChatMessage> messages, int maxChars) {
    return messages.stream()
        .map(
            message ->
                message instanceof ToolResultMessage result
                    ? (ChatMessage)
                        new ToolResultMessage(
                            result.callId(),
                            result.toolName(),
                            new ToolResult(
                                result.result().status(),
                                frame(result.toolName(), result.result(), maxChars)))
                    : message)
        .toList();
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
    return TAG.matcher(content).replaceAll("<$1tool_output");
  }
}
