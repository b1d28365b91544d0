package dev.nexus.connectors.gmail;

import com.google.api.services.gmail.model.ListMessagesResponse;
import dev.nexus.connectors.gmail.GmailCalls.Kind;
import dev.nexus.connectors.gmail.GmailCalls.Session;
import dev.nexus.core.authorization.Capability;
import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.tool.Parameter;
import dev.nexus.core.tool.ParameterSchema;
import dev.nexus.core.tool.RiskClass;
import dev.nexus.core.tool.ToolArguments;
import dev.nexus.core.tool.ToolContext;
import dev.nexus.core.tool.ToolResult;
import dev.nexus.core.tool.ToolSpec;

/** {@code gmail_search}: the messages matching a Gmail query, newest first. */
final class SearchTool extends GmailTool {

  SearchTool(GmailCalls calls, GmailSettings settings) {
    super(
        new ToolSpec(
            "gmail_search",
            "Searches the user's Gmail with Gmail's query syntax (for example"
                + " 'from:anna@example.com is:unread' or 'subject:invoice after:2026/01/01') and"
                + " lists the matching messages, newest first, with id, sender, subject, date and"
                + " a snippet.",
            ParameterSchema.of(
                Parameter.requiredString("query", "A Gmail search query.").withMaxLength(1_000),
                Parameter.integer(
                    "max_results",
                    "How many messages to list (1 to 50, default 10).",
                    false,
                    1,
                    50)),
            Capability.READ_MAIL,
            RiskClass.READ),
        calls,
        settings);
  }

  @Override
  ToolResult run(ToolContext context, ToolArguments arguments) {
    String query = arguments.string("query").strip();
    if (query.isEmpty()) {
      throw new InvalidInputException("'query' must not be empty");
    }
    long max = arguments.optionalInteger("max_results").orElse(10L);
    if (max < 1 || max > 50) {
      throw new InvalidInputException("'max_results' must be between 1 and 50");
    }

    Session session = calls.open(context, GmailPermission.READ);
    ListMessagesResponse listed =
        session.execute(
            "messages.list",
            "-",
            Kind.READ,
            gmail -> gmail.users().messages().list("me").setQ(query).setMaxResults(max));
    return ToolResult.success(
        listing(listWithHeaders(session, listed), "No messages match the search."));
  }
}
