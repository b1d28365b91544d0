package dev.nexus.agent.offline;

import dev.nexus.core.authorization.Capability;
import dev.nexus.core.tool.Parameter;
import dev.nexus.core.tool.ParameterSchema;
import dev.nexus.core.tool.RiskClass;
import dev.nexus.core.tool.ToolResult;
import dev.nexus.core.tool.ToolSpec;
import java.util.List;
import java.util.Locale;

/**
 * The connector tools as the shared tool contract names them (names, parameters, risks,
 * capabilities), for tests of the offline model; plus the runtime's framing of tool output.
 */
final class SandboxToolSpecs {

  static final ToolSpec GMAIL_SEARCH =
      new ToolSpec(
          "gmail_search",
          "Searches Gmail.",
          ParameterSchema.of(
              Parameter.requiredString("query", "Gmail query"),
              Parameter.integer("max_results", "How many", false, 1, 50)),
          Capability.READ_MAIL,
          RiskClass.READ);

  static final ToolSpec GMAIL_READ_LATEST =
      new ToolSpec(
          "gmail_read_latest",
          "Reads the latest emails.",
          ParameterSchema.of(
              Parameter.integer("count", "How many", false, 1, 50),
              Parameter.bool("unread_only", "Only unread", false),
              Parameter.optionalString("label", "Label")),
          Capability.READ_MAIL,
          RiskClass.READ);

  static final ToolSpec GMAIL_SEND =
      new ToolSpec(
          "gmail_send",
          "Sends an email.",
          ParameterSchema.of(
              Parameter.stringArray("to", "Recipients", true),
              Parameter.stringArray("cc", "Cc", false),
              Parameter.stringArray("bcc", "Bcc", false),
              Parameter.optionalString("subject", "Subject"),
              Parameter.requiredString("body", "Body")),
          Capability.SEND_MAIL,
          RiskClass.WRITE);

  static final ToolSpec NOTION_SEARCH =
      new ToolSpec(
          "notion_search",
          "Searches Notion.",
          ParameterSchema.of(
              Parameter.requiredString("query", "Words"),
              Parameter.enumeration("kind", "What", false, List.of("page", "data_source")),
              Parameter.integer("max_results", "How many", false, 1, 50)),
          Capability.READ_NOTION,
          RiskClass.READ);

  static final ToolSpec NOTION_READ_PAGE =
      new ToolSpec(
          "notion_read_page",
          "Reads a page.",
          ParameterSchema.of(Parameter.requiredString("page_id", "Page id")),
          Capability.READ_NOTION,
          RiskClass.READ);

  static final ToolSpec NOTION_CREATE_PAGE =
      new ToolSpec(
          "notion_create_page",
          "Creates a page.",
          ParameterSchema.of(
              Parameter.requiredString("title", "Title"),
              Parameter.optionalString("content", "Markdown"),
              Parameter.optionalString("parent_page_id", "Parent page"),
              Parameter.optionalString("parent_data_source_id", "Parent data source")),
          Capability.CREATE_NOTION_PAGES,
          RiskClass.WRITE);

  static final List<ToolSpec> ALL =
      List.of(
          GMAIL_SEARCH,
          GMAIL_READ_LATEST,
          GMAIL_SEND,
          NOTION_SEARCH,
          NOTION_READ_PAGE,
          NOTION_CREATE_PAGE);

  private SandboxToolSpecs() {}

  /** Tool output framed exactly as the agent runtime frames it for the model. */
  static ToolResult framed(String tool, ToolResult result) {
    return new ToolResult(
        result.status(),
        "<tool-output tool=\""
            + tool
            + "\" status=\""
            + result.status().name().toLowerCase(Locale.ROOT)
            + "\" trust=\"untrusted\">\n"
            + result.content()
            + "\n</tool-output>");
  }

  /** Gmail list output in the connector's format. */
  static String gmailList(String... fromAndSubject) {
    StringBuilder out = new StringBuilder(fromAndSubject.length / 2 + " messages:\n");
    for (int i = 0; i < fromAndSubject.length; i += 2) {
      out.append("id: m")
          .append(i / 2 + 1)
          .append("\nfrom: ")
          .append(fromAndSubject[i])
          .append("\nsubject: ")
          .append(fromAndSubject[i + 1])
          .append("\ndate: Thu, 3 Dec 2026 09:0")
          .append(i / 2)
          .append(":00 +0000\n")
          .append("A short snippet of the message.\n");
    }
    return out.toString();
  }
}
