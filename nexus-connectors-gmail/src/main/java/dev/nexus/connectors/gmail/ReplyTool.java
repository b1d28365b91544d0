package dev.nexus.connectors.gmail;

import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.Profile;
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
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code gmail_reply}: answers a message in its thread. The reply goes to the original's Reply-To
 * (else its sender; for a message the user sent, to its recipients), with "Re: " before the
 * subject, In-Reply-To and References naming the original, and the original's thread id. With
 * {@code reply_all} the other recipients are copied, without the user's own address.
 */
final class ReplyTool extends GmailTool {

  private static final Pattern NAMED_MAILBOX = Pattern.compile("(.*?)<([^<>\\s]+@[^<>\\s]+)>");

  private static final List<String> ORIGINAL_HEADERS =
      List.of("From", "To", "Cc", "Reply-To", "Subject", "Message-ID", "References");

  ReplyTool(GmailCalls calls, GmailSettings settings) {
    super(
        new ToolSpec(
            "gmail_reply",
            "Replies to a Gmail message in its thread. With reply_all, everyone else on the"
                + " message is copied.",
            ParameterSchema.of(
                Parameter.requiredString("message_id", "The id of the message to answer.")
                    .withMaxLength(128),
                Parameter.requiredString("body", "The text of the reply.").withMaxLength(100_000),
                Parameter.bool("reply_all", "Copy everyone else on the message.", false)),
            Capability.SEND_MAIL,
            RiskClass.WRITE),
        calls,
        settings);
  }

  @Override
  ToolResult run(ToolContext context, ToolArguments arguments) {
    String id = messageId(arguments);
    String body = arguments.string("body");
    boolean replyAll = arguments.bool("reply_all", false);

    Session session = calls.open(context, GmailPermission.READ, GmailPermission.SEND);
    Message original =
        session.execute(
            "messages.get",
            id,
            Kind.READ,
            gmail ->
                gmail
                    .users()
                    .messages()
                    .get("me", id)
                    .setFormat("metadata")
                    .setMetadataHeaders(ORIGINAL_HEADERS));
    String self = "";
    if (replyAll) {
      Profile profile =
          session.execute(
              "users.getProfile", "-", Kind.READ, gmail -> gmail.users().getProfile("me"));
      self = profile.getEmailAddress() == null ? "" : profile.getEmailAddress();
    }

    OutgoingMail mail = reply(original, body, replyAll, self);
    byte[] raw = MimeComposer.compose(mail, context.clock().instant());
    Message sent =
        session.execute(
            "messages.send",
            id,
            Kind.WRITE,
            gmail ->
                gmail
                    .users()
                    .messages()
                    .send("me", new Message().encodeRaw(raw).setThreadId(original.getThreadId())));
    return ToolResult.success(
        "Sent reply "
            + sent.getId()
            + " in thread "
            + sent.getThreadId()
            + " to "
            + String.join(", ", mail.recipients())
            + ".");
  }

  private static OutgoingMail reply(Message original, String body, boolean all, String self) {
    boolean fromUser = original.getLabelIds() != null && original.getLabelIds().contains("SENT");
    List<InternetAddress> to;
    if (fromUser) {
      to = parse(MessageText.header(original, "To"));
    } else {
      String replyTo = MessageText.header(original, "Reply-To");
      to = parse(replyTo.isEmpty() ? MessageText.header(original, "From") : replyTo);
    }
    List<InternetAddress> cc = new ArrayList<>();
    if (all) {
      Set<String> seen = new HashSet<>();
      seen.add(self.toLowerCase(Locale.ROOT));
      to.forEach(a -> seen.add(a.getAddress().toLowerCase(Locale.ROOT)));
      List<InternetAddress> others = new ArrayList<>();
      if (!fromUser) {
        others.addAll(parse(MessageText.header(original, "To")));
      }
      others.addAll(parse(MessageText.header(original, "Cc")));
      for (InternetAddress other : others) {
        if (seen.add(other.getAddress().toLowerCase(Locale.ROOT))) {
          cc.add(other);
        }
      }
    }
    if (to.isEmpty()) {
      throw new InvalidInputException(
          "the message " + original.getId() + " has no sender address to reply to");
    }

    String subject = MessageText.header(original, "Subject");
    if (!subject.regionMatches(true, 0, "Re:", 0, 3)) {
      subject = subject.isEmpty() ? "Re:" : "Re: " + subject;
    }
    String messageId = MessageText.header(original, "Message-ID");
    String references = MessageText.header(original, "References");
    String inReplyTo = messageId.isEmpty() ? null : messageId;
    String chain =
        messageId.isEmpty()
            ? (references.isEmpty() ? null : references)
            : (references.isEmpty() ? messageId : references + " " + messageId);
    return new OutgoingMail(to, cc, List.of(), subject, body, inReplyTo, chain);
  }

  /** The usable addresses of a header, each re-checked; unparsable entries are skipped. */
  private static List<InternetAddress> parse(String header) {
    List<InternetAddress> found = new ArrayList<>();
    if (header.isBlank()) {
      return found;
    }
    try {
      for (InternetAddress address : InternetAddress.parseHeader(header, false)) {
        try {
          found.add(OutgoingMail.address("recipient", address.toUnicodeString()));
        } catch (InvalidInputException skipped) {
          // An address Gmail accepted but Nexus cannot write back is left out of the reply.
        }
      }
    } catch (AddressException e) {
      found.clear();
    }
    return found.isEmpty() ? singleMailbox(header) : found;
  }

  /**
   * A header that is one {@code name <address>} whose name holds specials such as a colon. Header
   * values arrive with encoded words decoded, so a name sent as an encoded word can come back
   * unquoted ({@code Support: ACME <a@example.com>}), which no longer parses as an address list.
   */
  private static List<InternetAddress> singleMailbox(String header) {
    Matcher matcher = NAMED_MAILBOX.matcher(header.strip());
    if (!matcher.matches()) {
      return List.of();
    }
    try {
      InternetAddress mailbox = OutgoingMail.address("recipient", matcher.group(2));
      String name = matcher.group(1).strip().replace("\"", "");
      if (name.isEmpty()) {
        return List.of(mailbox);
      }
      InternetAddress named =
          new InternetAddress(mailbox.getAddress(), name, StandardCharsets.UTF_8.name());
      return List.of(OutgoingMail.address("recipient", named.toUnicodeString()));
    } catch (InvalidInputException | UnsupportedEncodingException unusable) {
      return List.of();
    }
  }
}
