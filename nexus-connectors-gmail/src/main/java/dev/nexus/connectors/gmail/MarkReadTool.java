package dev.nexus.connectors.gmail;

import com.google.api.services.gmail.model.ModifyMessageRequest;
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
import java.util.List;

/** {@code gmail_mark_read}: removes or adds the UNREAD label of one message. */
final class MarkReadTool extends GmailTool {

  MarkReadTool(GmailCalls calls, GmailSettings settings) {
    super(
        new ToolSpec(
            "gmail_mark_read",
            "Marks one Gmail message as read (read: true) or unread (read: false).",
            ParameterSchema.of(
                Parameter.requiredString("message_id", "The id of the message.").withMaxLength(128),
                Parameter.bool("read", "true to mark it read, false to mark it unread.", true)),
            Capability.MODIFY_MAIL,
            RiskClass.WRITE),
        calls,
        settings);
  }

  @Override
  ToolResult run(ToolContext context, ToolArguments arguments) {
    String id = messageId(arguments);
    if (!arguments.asMap().containsKey("read")) {
      throw new InvalidInputException("gmail_mark_read: missing required argument 'read'");
    }
    boolean read = arguments.bool("read", true);
    ModifyMessageRequest change =
        read
            ? new ModifyMessageRequest().setRemoveLabelIds(List.of("UNREAD"))
            : new ModifyMessageRequest().setAddLabelIds(List.of("UNREAD"));

    Session session = calls.open(context, GmailPermission.MODIFY);
    session.execute(
        "messages.modify",
        id,
        Kind.IDEMPOTENT_WRITE,
        gmail -> gmail.users().messages().modify("me", id, change));
    return ToolResult.success("Marked message " + id + " as " + (read ? "read" : "unread") + ".");
  }
}
