package dev.nexus.connectors.gmail;

import com.google.api.services.gmail.model.Message;
import dev.nexus.connectors.gmail.GmailCalls.Kind;
import dev.nexus.connectors.gmail.GmailCalls.Session;
import dev.nexus.connectors.gmail.MessageText.Attachment;
import dev.nexus.core.authorization.Capability;
import dev.nexus.core.tool.Parameter;
import dev.nexus.core.tool.ParameterSchema;
import dev.nexus.core.tool.RiskClass;
import dev.nexus.core.tool.ToolArguments;
import dev.nexus.core.tool.ToolContext;
import dev.nexus.core.tool.ToolResult;
import dev.nexus.core.tool.ToolSpec;
import java.util.List;

/**
 * {@code gmail_read_message}: one message's headers, its text (the plain part, else the HTML part
 * as text), capped at the configured length, and its attachments by name, type and size (never
 * their content).
 */
final class ReadMessageTool extends GmailTool {

  ReadMessageTool(GmailCalls calls, GmailSettings settings) {
    super(
        new ToolSpec(
            "gmail_read_message",
            "Reads one Gmail message by id: sender, recipients, date, subject, its text and the"
                + " names of its attachments.",
            ParameterSchema.of(
                Parameter.requiredString(
                        "message_id", "The id of the message, as listed by a search.")
                    .withMaxLength(128)),
            Capability.READ_MAIL,
            RiskClass.READ),
        calls,
        settings);
  }

  @Override
  ToolResult run(ToolContext context, ToolArguments arguments) {
    String id = messageId(arguments);

    Session session = calls.open(context, GmailPermission.READ);
    Message message =
        session.execute(
            "messages.get",
            id,
            Kind.READ,
            gmail -> gmail.users().messages().get("me", id).setFormat("full"));

    StringBuilder out = new StringBuilder();
    out.append("id: ").append(message.getId());
    out.append("\nthread: ").append(message.getThreadId());
    out.append("\nfrom: ").append(MessageText.header(message, "From"));
    out.append("\nto: ").append(MessageText.header(message, "To"));
    String cc = MessageText.header(message, "Cc");
    if (!cc.isEmpty()) {
      out.append("\ncc: ").append(cc);
    }
    out.append("\ndate: ").append(MessageText.date(message));
    out.append("\nsubject: ").append(MessageText.header(message, "Subject"));
    if (message.getLabelIds() != null && !message.getLabelIds().isEmpty()) {
      out.append("\nlabels: ").append(String.join(", ", message.getLabelIds()));
    }
    List<Attachment> attachments = MessageText.attachments(message.getPayload());
    if (!attachments.isEmpty()) {
      out.append("\nattachments (not downloaded):");
      for (Attachment attachment : attachments) {
        out.append("\n- ")
            .append(attachment.name())
            .append(" (")
            .append(attachment.mimeType())
            .append(", ")
            .append(MessageText.size(attachment.size()))
            .append(')');
      }
    }
    String body =
        MessageText.body(message.getPayload())
            .map(text -> text.replace("\r\n", "\n").strip())
            .orElse("");
    out.append("\nbody:\n")
        .append(body.isEmpty() ? "(no text)" : MessageText.cap(body, settings.maxBodyChars()));
    return ToolResult.success(out.toString());
  }
}
