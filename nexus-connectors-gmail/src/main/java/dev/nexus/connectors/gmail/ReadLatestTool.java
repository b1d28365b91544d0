package dev.nexus.connectors.gmail;

import com.google.api.services.gmail.Gmail;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code gmail_read_latest}: the newest messages of the inbox, or of a label, optionally unread
 * only. System labels (INBOX, SENT, STARRED, ...) are passed as label ids; other labels by name
 * through the query.
 */
final class ReadLatestTool extends GmailTool {

  private static final Set<String> SYSTEM_LABELS =
      Set.of(
          "INBOX",
          "SENT",
          "DRAFT",
          "SPAM",
          "TRASH",
          "UNREAD",
          "STARRED",
          "IMPORTANT",
          "CATEGORY_PERSONAL",
          "CATEGORY_SOCIAL",
          "CATEGORY_PROMOTIONS",
          "CATEGORY_UPDATES",
          "CATEGORY_FORUMS");

  ReadLatestTool(GmailCalls calls, GmailSettings settings) {
    super(
        new ToolSpec(
            "gmail_read_latest",
            "Lists the newest messages of the user's Gmail inbox (or of one label), newest"
                + " first, with id, sender, subject, date and a snippet.",
            ParameterSchema.of(
                Parameter.integer(
                    "count", "How many messages to list (1 to 50, default 10).", false, 1, 50),
                Parameter.bool("unread_only", "List only unread messages.", false),
                Parameter.optionalString(
                        "label",
                        "A label name such as INBOX, STARRED or a user label (default" + " INBOX).")
                    .withMaxLength(225)),
            Capability.READ_MAIL,
            RiskClass.READ),
        calls,
        settings);
  }

  @Override
  ToolResult run(ToolContext context, ToolArguments arguments) {
    long count = arguments.optionalInteger("count").orElse(10L);
    if (count < 1 || count > 50) {
      throw new InvalidInputException("'count' must be between 1 and 50");
    }
    boolean unreadOnly = arguments.bool("unread_only", false);
    String label = arguments.optionalString("label").map(String::strip).orElse("INBOX");
    if (label.isEmpty() || label.chars().anyMatch(c -> c < 0x20 || c == '"')) {
      throw new InvalidInputException("'label' must be a label name without quotes");
    }

    List<String> labelIds = new ArrayList<>();
    String query = null;
    String upper = label.toUpperCase(Locale.ROOT);
    if (SYSTEM_LABELS.contains(upper)) {
      labelIds.add(upper);
    } else {
      query = "label:\"" + label + "\"";
    }
    if (unreadOnly && !labelIds.contains("UNREAD")) {
      labelIds.add("UNREAD");
    }

    Session session = calls.open(context, GmailPermission.READ);
    String q = query;
    ListMessagesResponse listed =
        session.execute(
            "messages.list",
            "-",
            Kind.READ,
            gmail -> {
              Gmail.Users.Messages.List request =
                  gmail.users().messages().list("me").setMaxResults(count);
              if (!labelIds.isEmpty()) {
                request.setLabelIds(labelIds);
              }
              if (q != null) {
                request.setQ(q);
              }
              return request;
            });
    String empty =
        unreadOnly ? "No unread messages in " + label + "." : "No messages in " + label + ".";
    return ToolResult.success(listing(listWithHeaders(session, listed), empty));
  }
}
