package dev.nexus.connectors.gmail;

import com.google.api.services.gmail.model.Draft;
import com.google.api.services.gmail.model.Message;
import dev.nexus.connectors.gmail.GmailCalls.Kind;
import dev.nexus.connectors.gmail.GmailCalls.Session;
import dev.nexus.core.authorization.Capability;
import dev.nexus.core.tool.RiskClass;
import dev.nexus.core.tool.ToolArguments;
import dev.nexus.core.tool.ToolContext;
import dev.nexus.core.tool.ToolResult;
import dev.nexus.core.tool.ToolSpec;

/** {@code gmail_create_draft}: saves a mail as a draft in the user's account, unsent. */
final class CreateDraftTool extends GmailTool {

  CreateDraftTool(GmailCalls calls, GmailSettings settings) {
    super(
        new ToolSpec(
            "gmail_create_draft",
            "Saves a new mail as a draft in the user's Gmail account without sending it.",
            ComposeArguments.schema(),
            Capability.SEND_MAIL,
            RiskClass.WRITE),
        calls,
        settings);
  }

  @Override
  ToolResult run(ToolContext context, ToolArguments arguments) {
    OutgoingMail mail = ComposeArguments.mail(arguments);
    byte[] raw = MimeComposer.compose(mail, context.clock().instant());

    Session session = calls.open(context, GmailPermission.COMPOSE);
    Draft draft =
        session.execute(
            "drafts.create",
            "-",
            Kind.WRITE,
            gmail ->
                gmail
                    .users()
                    .drafts()
                    .create("me", new Draft().setMessage(new Message().encodeRaw(raw))));
    String messageId = draft.getMessage() == null ? "?" : draft.getMessage().getId();
    return ToolResult.success(
        "Created draft "
            + draft.getId()
            + " (message "
            + messageId
            + ") to "
            + String.join(", ", mail.recipients())
            + ".");
  }
}
