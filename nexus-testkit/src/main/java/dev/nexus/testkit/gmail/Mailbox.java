package dev.nexus.testkit.gmail;

import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One Gmail account of {@link FakeGmailServer}: its messages with their labels and threads, its
 * drafts and its user labels. Tests read it to see what a tool did ({@link #sent()}, {@link
 * #drafts()}) and fill it with {@link #seed()}, {@link #seedMany(int)} or {@link #deliver}.
 * Thread-safe.
 */
public final class Mailbox {

  /** Where the seeded mail's dates start. */
  public static final Instant SEED_START = Instant.parse("2025-11-03T08:15:00Z");

  private static final Session SESSION = Session.getInstance(new Properties());

  private final String email;
  private final Supplier<String> ids;
  private final Supplier<Instant> now;
  private final Map<String, StoredMessage> messages = new LinkedHashMap<>();
  private final Map<String, String> drafts = new LinkedHashMap<>();
  private final Map<String, String> labelNames = new ConcurrentHashMap<>();

  Mailbox(String email, Supplier<String> ids, Supplier<Instant> now) {
    this.email = Objects.requireNonNull(email, "email");
    this.ids = ids;
    this.now = now;
  }

  /** The account's address. */
  public String email() {
    return email;
  }

  /** Every message, newest first. */
  public synchronized List<StoredMessage> messages() {
    // Newest first; among equal dates the later stored comes first (the sort is stable).
    List<StoredMessage> all = new ArrayList<>(messages.values());
    Collections.reverse(all);
    all.sort(Comparator.comparing(StoredMessage::internalDate).reversed());
    return all;
  }

  /** The message with this id, or empty. */
  public synchronized Optional<StoredMessage> message(String id) {
    return Optional.ofNullable(messages.get(id));
  }

  /** Messages sent through the API, in the order they were sent. */
  public synchronized List<StoredMessage> sent() {
    return messages.values().stream().filter(m -> m.hasLabel("SENT")).toList();
  }

  /** The drafts' messages, in the order they were created. */
  public synchronized List<StoredMessage> drafts() {
    return drafts.values().stream().map(messages::get).filter(Objects::nonNull).toList();
  }

  /** Creates a user label (or finds it by name) and returns its id, such as {@code Label_1}. */
  public synchronized String label(String name) {
    for (Map.Entry<String, String> entry : labelNames.entrySet()) {
      if (entry.getValue().equalsIgnoreCase(name)) {
        return entry.getKey();
      }
    }
    String id = "Label_" + (labelNames.size() + 1);
    labelNames.put(id, name);
    return id;
  }

  /** Puts an incoming message into the mailbox with these label ids; returns it. */
  public StoredMessage deliver(byte[] raw, Instant date, Set<String> labels) {
    return store(raw, null, date, labels);
  }

  /** Puts an incoming message, built with Jakarta Mail, into the mailbox. */
  public StoredMessage deliver(MimeMessage message, Instant date, Set<String> labels) {
    return deliver(bytes(message), date, labels);
  }

  /**
   * Fills the mailbox with realistic mail, dated from {@link #SEED_START}: a three-message thread
   * (with a reply by this account), a sender and subject in German with umlauts, an HTML-only
   * newsletter, a mail with a PDF attachment, a long mail of about 20,000 characters, unread,
   * starred and user-labelled ("Projects") messages. Returns this mailbox.
   */
  public Mailbox seed() {
    String projects = label("Projects");
    Instant t = SEED_START;
    StoredMessage first =
        deliver(
            plain(
                "Anna Lind <anna.lind@example.com>",
                email,
                "Q3 report draft",
                "<q3-report-1@example.com>",
                null,
                "Hi,\n\nthe Q3 report draft is ready for review. Numbers are up 12% on Q2."
                    + "\nCould you look at section 3 before Friday?\n\nAnna"),
            t,
            Set.of("INBOX", "IMPORTANT", projects));
    deliver(
        plain(
            email,
            "Anna Lind <anna.lind@example.com>",
            "Re: Q3 report draft",
            "<q3-report-2@gmail.test>",
            "<q3-report-1@example.com>",
            "Thanks Anna, I will read section 3 tomorrow."),
        t.plus(Duration.ofHours(1)),
        Set.of("SENT"),
        first.threadId());
    deliver(
        plain(
            "Anna Lind <anna.lind@example.com>",
            email,
            "Re: Q3 report draft",
            "<q3-report-3@example.com>",
            "<q3-report-1@example.com> <q3-report-2@gmail.test>",
            "Great, thank you! I also added the appendix.\n\nAnna"),
        t.plus(Duration.ofHours(3)),
        Set.of("INBOX", "UNREAD", projects),
        first.threadId());
    deliver(
        plain(
            "Jörg Weiß <joerg.weiss@example.de>",
            email + ", Zoë Faßbender <zoe@example.de>",
            "Grüße aus München – Termin am Dienstag?",
            "<muc-1@example.de>",
            null,
            "Hallo,\n\npasst dir Dienstag um 10:00 Uhr? Wir treffen uns im Büro an der"
                + " Maximilianstraße.\n\nViele Grüße\nJörg"),
        t.plus(Duration.ofDays(1)),
        Set.of("INBOX", "UNREAD"));
    deliver(
        html(
            "Example Shop <news@shop.example>",
            email,
            "Our winter sale starts now",
            "<html><head><style>p{color:red}</style><script>track()</script></head><body>"
                + "<h1>Winter sale</h1><p>Everything <b>30% off</b> until Sunday.</p>"
                + "<ul><li>Coats</li><li>Boots &amp; scarves</li></ul>"
                + "<p><a href=\"https://shop.example/sale\">See the offers</a></p>"
                + "</body></html>"),
        t.plus(Duration.ofDays(2)),
        Set.of("INBOX", "UNREAD", "CATEGORY_PROMOTIONS"));
    deliver(
        withAttachment(
            "Ben Okafor <ben@example.org>",
            email,
            "Signed contract",
            "Please find the signed contract attached.\n\nBen",
            "contract-signed.pdf",
            12_345),
        t.plus(Duration.ofDays(3)),
        Set.of("INBOX", "STARRED"));
    deliver(
        plain(
            "Long Writer <long@example.net>",
            email,
            "Meeting notes (very long)",
            "<long-1@example.net>",
            null,
            longText(20_000)),
        t.plus(Duration.ofDays(4)),
        Set.of("INBOX"));
    return this;
  }

  /** Adds {@code count} short plain messages to the inbox, newest last; returns this mailbox. */
  public Mailbox seedMany(int count) {
    for (int i = 1; i <= count; i++) {
      deliver(
          plain(
              "Sender " + i + " <sender" + i + "@example.com>",
              email,
              "Message number " + i,
              "<bulk-" + i + "@example.com>",
              null,
              "This is message " + i + ".\nIt has a few lines of text.\nRegards"),
          SEED_START.plus(Duration.ofMinutes(i)),
          i % 3 == 0 ? Set.of("INBOX", "UNREAD") : Set.of("INBOX"));
    }
    return this;
  }

  synchronized Map<String, String> labelNames() {
    return Map.copyOf(labelNames);
  }

  synchronized List<StoredMessage> list(
      GmailQuery query, List<String> labelIds, boolean spamTrash) {
    boolean includeSpamTrash =
        spamTrash
            || query.includesSpamTrash()
            || labelIds.contains("SPAM")
            || labelIds.contains("TRASH");
    return messages().stream()
        .filter(m -> includeSpamTrash || !(m.hasLabel("SPAM") || m.hasLabel("TRASH")))
        .filter(m -> labelIds.stream().allMatch(m::hasLabel))
        .filter(m -> !m.hasLabel("DRAFT") || labelIds.contains("DRAFT"))
        .filter(query::matches)
        .toList();
  }

  /** Stores a message sent through the API: adds From and Message-ID if absent, labels SENT. */
  synchronized StoredMessage send(byte[] raw, String threadId) {
    return store(completed(raw), threadId, now.get(), Set.of("SENT"));
  }

  synchronized String[] createDraft(byte[] raw, String threadId) {
    StoredMessage message = store(completed(raw), threadId, now.get(), Set.of("DRAFT"));
    String draftId = "r" + Long.toUnsignedString(message.id().hashCode() & 0xffffffffL);
    drafts.put(draftId, message.id());
    return new String[] {draftId, message.id()};
  }

  synchronized void delete(String id) {
    messages.remove(id);
  }

  private StoredMessage deliver(
      MimeMessage message, Instant date, Set<String> labels, String threadId) {
    return store(bytes(message), threadId, date, labels);
  }

  private synchronized StoredMessage store(
      byte[] raw, String threadId, Instant date, Set<String> labels) {
    String id = ids.get();
    StoredMessage probe = new StoredMessage(id, id, raw, date, labels);
    String thread = threadId != null && hasThread(threadId) ? threadId : threadOf(probe);
    StoredMessage message =
        thread.equals(id) ? probe : new StoredMessage(id, thread, raw, date, labels);
    messages.put(id, message);
    return message;
  }

  private boolean hasThread(String threadId) {
    return messages.values().stream().anyMatch(m -> m.threadId().equals(threadId));
  }

  /** The thread of an earlier message this one answers (In-Reply-To or References), else new. */
  private String threadOf(StoredMessage message) {
    String refs = message.header("In-Reply-To") + " " + message.header("References");
    for (StoredMessage other : messages.values()) {
      String otherId = other.messageIdHeader();
      if (!otherId.isEmpty() && refs.contains(otherId)) {
        return other.threadId();
      }
    }
    return message.id();
  }

  private byte[] completed(byte[] raw) {
    String head = new String(raw, 0, Math.min(raw.length, 64 * 1024), StandardCharsets.ISO_8859_1);
    int end = head.indexOf("\r\n\r\n");
    String headers = (end < 0 ? head : head.substring(0, end)).toLowerCase(Locale.ROOT);
    StringBuilder extra = new StringBuilder();
    if (!headers.startsWith("from:") && !headers.contains("\nfrom:")) {
      extra.append("From: ").append(email).append("\r\n");
    }
    if (!headers.startsWith("message-id:") && !headers.contains("\nmessage-id:")) {
      extra.append("Message-ID: <").append(ids.get()).append("@mail.gmail.test>\r\n");
    }
    byte[] prefix = extra.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[prefix.length + raw.length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(raw, 0, out, prefix.length, raw.length);
    return out;
  }

  private static MimeMessage plain(
      String from, String to, String subject, String messageId, String refs, String body) {
    try {
      MimeMessage message = base(from, to, subject);
      message.setText(body, "UTF-8");
      message.setHeader("Message-ID", messageId);
      if (refs != null) {
        message.setHeader("In-Reply-To", refs.substring(refs.lastIndexOf('<')));
        message.setHeader("References", refs);
      }
      return message;
    } catch (MessagingException e) {
      throw new IllegalStateException("seed mail could not be built", e);
    }
  }

  private static MimeMessage html(String from, String to, String subject, String html) {
    try {
      MimeMessage message = base(from, to, subject);
      message.setText(html, "UTF-8", "html");
      message.setHeader("Message-ID", "<html-" + Math.abs(subject.hashCode()) + "@shop.example>");
      return message;
    } catch (MessagingException e) {
      throw new IllegalStateException("seed mail could not be built", e);
    }
  }

  private static MimeMessage withAttachment(
      String from, String to, String subject, String text, String fileName, int size) {
    try {
      MimeMessage message = base(from, to, subject);
      MimeBodyPart body = new MimeBodyPart();
      body.setText(text, "UTF-8");
      MimeBodyPart file = new MimeBodyPart();
      byte[] content = new byte[size];
      for (int i = 0; i < size; i++) {
        content[i] = (byte) (i * 31);
      }
      file.setContent(content, "application/pdf");
      file.setFileName(fileName);
      file.setDisposition(MimeBodyPart.ATTACHMENT);
      message.setContent(new MimeMultipart(body, file));
      message.setHeader("Message-ID", "<contract-1@example.org>");
      return message;
    } catch (MessagingException e) {
      throw new IllegalStateException("seed mail could not be built", e);
    }
  }

  private static MimeMessage base(String from, String to, String subject)
      throws MessagingException {
    MimeMessage message = new MimeMessage(SESSION);
    message.setFrom(utf8(InternetAddress.parse(from)[0]));
    InternetAddress[] recipients = InternetAddress.parse(to);
    for (int i = 0; i < recipients.length; i++) {
      recipients[i] = utf8(recipients[i]);
    }
    message.setRecipients(RecipientType.TO, recipients);
    message.setSubject(subject, "UTF-8");
    message.setSentDate(java.util.Date.from(SEED_START));
    return message;
  }

  private static InternetAddress utf8(InternetAddress address) {
    if (address.getPersonal() == null) {
      return address;
    }
    try {
      return new InternetAddress(address.getAddress(), address.getPersonal(), "UTF-8");
    } catch (UnsupportedEncodingException e) {
      throw new IllegalStateException("every Java runtime has UTF-8", e);
    }
  }

  private static String longText(int length) {
    StringBuilder text = new StringBuilder();
    int paragraph = 1;
    while (text.length() < length) {
      text.append("Paragraph ")
          .append(paragraph++)
          .append(": the team discussed the roadmap, the budget and the hiring plan in detail.\n");
    }
    return text.toString();
  }

  static byte[] bytes(MimeMessage message) {
    try {
      // saveChanges makes up a Message-ID; the seeded mail keeps the one it was given.
      String id = message.getHeader("Message-ID", null);
      message.saveChanges();
      if (id != null) {
        message.setHeader("Message-ID", id);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      message.writeTo(out);
      return out.toByteArray();
    } catch (MessagingException | IOException e) {
      throw new IllegalStateException("a mail could not be written as MIME", e);
    }
  }
}
