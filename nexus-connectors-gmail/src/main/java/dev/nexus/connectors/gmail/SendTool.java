package dev.nexus.connectors.gmail;

import com.google.api.services.gmail.model.Message;
import dev.nexus.connectors.gmail.GmailCalls.Kind;
import dev.nexus.connectors.gmail.GmailCalls.Session;
import dev.nexus.core.authorization.Capability;
import dev.nexus.core.tool.RiskClass;
import dev.nexus.core.tool.ToolArguments;
import dev.nexus.core.tool.ToolContext;
import dev.nexus.core.tool.ToolResult;
import dev.nexus.core.tool.ToolSpec;

/** {@code gmail_send}: sends a new mail from the user's account. Never retried once sent off. */
final class SendTool extends GmailTool {

  SendTool(GmailCalls calls, GmailSettings settings) {
    super(
        new ToolSpec(
            "gmail_send",
            "Sends a new mail from the user's Gmail account.",
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

    Session session = calls.open(context, GmailPermission.SEND);
    Message sent =
        session.execute(
            "messages.send",
            "-",
            Kind.WRITE,
            gmail -> gmail.users().messages().send("me", new Message().encodeRaw(raw)));
    return ToolResult.success(
        "Sent message " + sent.getId() + " to " + String.join(", ", mail.recipients()) + ".");
  }
}
