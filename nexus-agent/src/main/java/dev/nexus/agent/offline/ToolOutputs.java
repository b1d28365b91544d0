package dev.nexus.agent.offline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the text the connectors produce (formats fixed in the tool contract): Gmail list output
 * ({@code N messages:} then blocks starting {@code id: ...} with {@code from:} and {@code subject:}
 * lines) and Notion search output (lines {@code - <title> (page id: <id>)}). Tool output arrives
 * framed by the runtime as {@code <tool-output ...> ... </tool-output>}; the frame is removed
 * first. Nothing in the output is ever treated as an instruction: only these fields are extracted.
 */
final class ToolOutputs {

  /** One email as listed by a Gmail tool. */
  record Mail(String id, String from, String subject) {}

  /** One Notion search result. */
  record PageHit(String title, String id, boolean dataSource) {}

  private static final Pattern OPEN_FRAME = Pattern.compile("^\\s*<tool-output[^>]*>\\s*\\n?");
  private static final Pattern CLOSE_FRAME = Pattern.compile("\\n?\\s*</tool-output>\\s*$");
  private static final Pattern TRUNCATED =
      Pattern.compile("\\n\\[output truncated: [^\\]]*\\]\\s*$");
  private static final Pattern HIT =
      Pattern.compile("^\\s*[-*]\\s+(.*)\\s+\\((page|data source) id:\\s*([^\\s)]+)\\)\\s*$");

  private ToolOutputs() {}

  /** The tool's own text, without the runtime's frame or truncation note. */
  static String unframe(String content) {
    String text = OPEN_FRAME.matcher(content).replaceFirst("");
    text = CLOSE_FRAME.matcher(text).replaceFirst("");
    return TRUNCATED.matcher(text).replaceFirst("").strip();
  }

  /** The emails of a Gmail list output, in order. */
  static List<Mail> mails(String output) {
    List<Mail> mails = new ArrayList<>();
    String id = null;
    String from = "";
    String subject = "";
    for (String raw : output.split("\\R")) {
      String line = raw.strip();
      String lower = line.toLowerCase(Locale.ROOT);
      if (lower.startsWith("id:")) {
        if (id != null) {
          mails.add(new Mail(id, from, subject));
        }
        id = line.substring(3).strip();
        from = "";
        subject = "";
      } else if (id != null && lower.startsWith("from:") && from.isEmpty()) {
        from = line.substring(5).strip();
      } else if (id != null && lower.startsWith("subject:") && subject.isEmpty()) {
        subject = line.substring(8).strip();
      }
    }
    if (id != null) {
      mails.add(new Mail(id, from, subject));
    }
    return mails;
  }

  /** The results of a Notion search output, in order. */
  static List<PageHit> pageHits(String output) {
    List<PageHit> hits = new ArrayList<>();
    for (String line : output.split("\\R")) {
      Matcher m = HIT.matcher(line);
      if (m.matches()) {
        hits.add(new PageHit(m.group(1).strip(), m.group(3), m.group(2).equals("data source")));
      }
    }
    return hits;
  }

  /** The first line of an error output, shortened, to quote back to the person. */
  static String reason(String output) {
    String first = output.strip().lines().findFirst().orElse("").strip();
    if (first.isEmpty()) {
      return "no reason was given";
    }
    first = first.replaceFirst("[.]+$", "");
    return first.length() > 200 ? first.substring(0, 200) + "..." : first;
  }

  /** The sender's name when the address has one ({@code Ana <ana@x.test>} gives {@code Ana}). */
  static String senderName(String from) {
    int angle = from.indexOf('<');
    String name = angle > 0 ? from.substring(0, angle).strip().replaceAll("^\"|\"$", "") : from;
    return name.isEmpty() ? from : name;
  }
}
