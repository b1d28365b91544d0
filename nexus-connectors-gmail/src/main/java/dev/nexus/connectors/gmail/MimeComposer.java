package dev.nexus.connectors.gmail;

import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;

/**
 * Turns an {@link OutgoingMail} into an RFC 5322 message with Jakarta Mail: UTF-8 subject and names
 * as encoded words, a UTF-8 text body in a transfer encoding the library picks, and reply headers
 * when set. The From header and the Message-ID are left to Gmail, which fills them with the
 * connected account's address and its own id.
 */
final class MimeComposer {

  private static final Session SESSION = Session.getInstance(new Properties());

  private MimeComposer() {}

  static byte[] compose(OutgoingMail mail, Instant now) {
    try {
      MimeMessage message = new GmailMimeMessage();
      message.setRecipients(RecipientType.TO, mail.to().toArray(new InternetAddress[0]));
      if (!mail.cc().isEmpty()) {
        message.setRecipients(RecipientType.CC, mail.cc().toArray(new InternetAddress[0]));
      }
      if (!mail.bcc().isEmpty()) {
        message.setRecipients(RecipientType.BCC, mail.bcc().toArray(new InternetAddress[0]));
      }
      message.setSubject(mail.subject(), StandardCharsets.UTF_8.name());
      message.setSentDate(Date.from(now));
      if (mail.inReplyTo() != null) {
        message.setHeader("In-Reply-To", MimeUtility.fold(13, mail.inReplyTo()));
      }
      if (mail.references() != null) {
        message.setHeader("References", MimeUtility.fold(12, mail.references()));
      }
      message.setText(mail.body(), StandardCharsets.UTF_8.name());
      message.saveChanges();

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      message.writeTo(out);
      return out.toByteArray();
    } catch (MessagingException | IOException e) {
      throw new IllegalStateException("the validated mail could not be written as MIME", e);
    }
  }

  /** A message that leaves the Message-ID to Gmail instead of naming the local host in one. */
  private static final class GmailMimeMessage extends MimeMessage {

    GmailMimeMessage() {
      super(SESSION);
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      removeHeader("Message-ID");
    }
  }
}
