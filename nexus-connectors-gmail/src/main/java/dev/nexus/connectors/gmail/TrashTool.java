package dev.nexus.connectors.gmail;

import dev.nexus.connectors.gmail.GmailCalls.Kind;
import dev.nexus.connectors.gmail.GmailCalls.Session;
import dev.nexus.core.authorization.Capability;
import dev.nexus.core.tool.Parameter;
import dev.nexus.core.tool.ParameterSchema;
import dev.nexus.core.tool.RiskClass;
import dev.nexus.core.tool.ToolArguments;
import dev.nexus.core.tool.ToolContext;
import dev.nexus.core.tool.ToolResult;
import dev.nexus.core.tool.ToolSpec;

/** {@code gmail_trash}: moves one message to the trash (Gmail deletes it after 30 days). */
final class TrashTool extends GmailTool {

  TrashTool(GmailCalls calls, GmailSettings settings) {
    super(
        new ToolSpec(
            "gmail_trash",
            "Moves one Gmail message to the trash, where Gmail deletes it after 30 days.",
            ParameterSchema.of(
                Parameter.requiredString("message_id", "The id of the message.")
                    .withMaxLength(128)),
            Capability.MODIFY_MAIL,
            RiskClass.DESTRUCTIVE),
        calls,
        settings);
  }

  @Override
  ToolResult run(ToolContext context, ToolArguments arguments) {
    String id = messageId(arguments);

    Session session = calls.open(context, GmailPermission.MODIFY);
    session.execute(
        "messages.trash",
        id,
        Kind.IDEMPOTENT_WRITE,
        gmail -> gmail.users().messages().trash("me", id));
    return ToolResult.success("Moved message " + id + " to the trash.");
  }
}
