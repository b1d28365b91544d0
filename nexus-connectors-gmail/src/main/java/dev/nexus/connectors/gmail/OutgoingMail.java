package dev.nexus.connectors.gmail;

import dev.nexus.core.error.InvalidInputException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A mail to send or save as a draft, validated: every address parses strictly as one address, no
 * single-line field holds a line break or another control character (so nothing can smuggle in a
 * header), and the body is not empty. {@code inReplyTo} and {@code references} are set for replies
 * only and may be null.
 */
record OutgoingMail(
    List<InternetAddress> to,
    List<InternetAddress> cc,
    List<InternetAddress> bcc,
    String subject,
    String body,
    String inReplyTo,
    String references) {

  /** The most recipients one mail may have across to, cc and bcc. */
  static final int MAX_RECIPIENTS = 100;

  OutgoingMail {
    to = List.copyOf(to);
    cc = List.copyOf(cc);
    bcc = List.copyOf(bcc);
    if (to.isEmpty()) {
      throw new InvalidInputException("'to' must name at least one recipient");
    }
    if (to.size() + cc.size() + bcc.size() > MAX_RECIPIENTS) {
      throw new InvalidInputException("a mail may have at most " + MAX_RECIPIENTS + " recipients");
    }
    subject = subject == null ? "" : subject;
    singleLine("subject", subject);
    Objects.requireNonNull(body, "body");
    if (body.isBlank()) {
      throw new InvalidInputException("'body' must not be empty");
    }
    if (body.indexOf('\0') >= 0) {
      throw new InvalidInputException("'body' must not contain NUL characters");
    }
    if (inReplyTo != null) {
      singleLine("In-Reply-To", inReplyTo);
    }
    if (references != null) {
      singleLine("References", references);
    }
  }

  /** Parses recipients given by the model, naming the field in every error. */
  static List<InternetAddress> addresses(String field, List<String> values) {
    List<InternetAddress> parsed = new ArrayList<>(values.size());
    for (String value : values) {
      parsed.add(address(field, value));
    }
    return parsed;
  }

  /** Parses one address such as {@code a@example.com} or {@code Jörg Weiß <jw@example.de>}. */
  static InternetAddress address(String field, String value) {
    Objects.requireNonNull(value, field);
    singleLine(field, value);
    if (value.isBlank()) {
      throw new InvalidInputException("'" + field + "' holds an empty address");
    }
    InternetAddress address;
    try {
      address = new InternetAddress(value.trim(), true);
      address.validate();
    } catch (AddressException e) {
      throw new InvalidInputException(
          "'" + field + "' holds an invalid address; give one address like name@example.com", e);
    }
    String mailbox = address.getAddress();
    if (mailbox == null || !StandardCharsets.US_ASCII.newEncoder().canEncode(mailbox)) {
      throw new InvalidInputException(
          "'" + field + "' holds an address with non-ASCII characters, which is not supported");
    }
    if (address.isGroup() || mailbox.indexOf('@') < 1) {
      throw new InvalidInputException(
          "'" + field + "' holds an invalid address; give one address like name@example.com");
    }
    String personal = address.getPersonal();
    if (personal != null) {
      singleLine(field, personal);
      try {
        // Names are encoded as RFC 2047 words in UTF-8 whatever the platform charset.
        address = new InternetAddress(mailbox, personal, StandardCharsets.UTF_8.name());
      } catch (UnsupportedEncodingException e) {
        throw new IllegalStateException("every Java runtime has UTF-8", e);
      }
    }
    return address;
  }

  /** Every recipient's bare address, in order. */
  List<String> recipients() {
    List<String> all = new ArrayList<>();
    to.forEach(a -> all.add(a.getAddress()));
    cc.forEach(a -> all.add(a.getAddress()));
    bcc.forEach(a -> all.add(a.getAddress()));
    return all;
  }

  private static void singleLine(String field, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || c == '\u0085') {
        throw new InvalidInputException(
            "'" + field + "' must be a single line without line breaks or control characters");
      }
    }
  }
}
