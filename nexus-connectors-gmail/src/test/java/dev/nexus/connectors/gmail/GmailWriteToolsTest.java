package dev.nexus.connectors.gmail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.core.tool.ToolResult;
import dev.nexus.testkit.gmail.Mailbox;
import dev.nexus.testkit.gmail.StoredMessage;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GmailWriteToolsTest {

  private final GmailTestbed bed = new GmailTestbed();

  @AfterEach
  void close() {
    bed.close();
  }

  @Test
  void send_writesAMimeMessageThatParsesBack() throws Exception {
    // given
    Map<String, Object> args =
        Map.of(
            "to", List.of("Anna Lind <anna.lind@example.com>"),
            "cc", List.of("ben@example.org"),
            "bcc", List.of("audit@example.net"),
            "subject", "Budget 2027",
            "body", "Hi Anna,\n\nthe budget is attached in the shared folder.\n\nAlice");

    // when
    ToolResult result = bed.call("gmail_send", args);

    // then
    assertThat(bed.mailbox.sent()).hasSize(2);
    StoredMessage sent = bed.mailbox.sent().get(1);
    assertThat(result.content())
        .isEqualTo(
            "Sent message "
                + sent.id()
                + " to anna.lind@example.com, ben@example.org, audit@example.net.");
    MimeMessage mime = sent.mime();
    assertThat(addresses(mime.getRecipients(RecipientType.TO)))
        .containsExactly("anna.lind@example.com");
    assertThat(((InternetAddress) mime.getRecipients(RecipientType.TO)[0]).getPersonal())
        .isEqualTo("Anna Lind");
    assertThat(addresses(mime.getRecipients(RecipientType.CC))).containsExactly("ben@example.org");
    assertThat(addresses(mime.getRecipients(RecipientType.BCC)))
        .containsExactly("audit@example.net");
    assertThat(mime.getSubject()).isEqualTo("Budget 2027");
    assertThat(mime.getContentType()).startsWith("text/plain; charset=UTF-8");
    assertThat(((String) mime.getContent()).replace("\r\n", "\n"))
        .isEqualTo("Hi Anna,\n\nthe budget is attached in the shared folder.\n\nAlice");
    assertThat(mime.getFrom()[0].toString()).isEqualTo("alice@gmail.test");
    assertThat(mime.getSentDate().toInstant()).isEqualTo(bed.clock.instant());
  }

  @Test
  void send_nonAsciiSubjectNameAndBody_areEncodedAndSurviveTheRoundTrip() throws Exception {
    ToolResult result =
        bed.call(
            "gmail_send",
            Map.of(
                "to", List.of("Jörg Weiß <joerg.weiss@example.de>"),
                "subject", "Grüße – Termin am Dienstag? 日本語もOK 🎉",
                "body", "Hallo Jörg,\n\nDienstag passt. Schöne Grüße aus Zürich 🇨🇭\n.\nFrom me"));

    assertThat(result.isSuccess()).isTrue();
    StoredMessage sent = bed.mailbox.sent().get(1);
    String raw = new String(sent.raw(), StandardCharsets.US_ASCII);
    assertThat(raw).contains("Subject: =?UTF-8?");
    assertThat(raw).contains("To: =?UTF-8?");
    assertThat(raw.chars().allMatch(c -> c < 128)).isTrue();
    MimeMessage mime = sent.mime();
    assertThat(mime.getSubject()).isEqualTo("Grüße – Termin am Dienstag? 日本語もOK 🎉");
    InternetAddress to = (InternetAddress) mime.getRecipients(RecipientType.TO)[0];
    assertThat(to.getPersonal()).isEqualTo("Jörg Weiß");
    assertThat(to.getAddress()).isEqualTo("joerg.weiss@example.de");
    assertThat(((String) mime.getContent()).replace("\r\n", "\n"))
        .isEqualTo("Hallo Jörg,\n\nDienstag passt. Schöne Grüße aus Zürich 🇨🇭\n.\nFrom me");
  }

  @Test
  void send_toAnotherFakeAccount_deliversACopyWithoutBcc() throws Exception {
    Mailbox bob = bed.fake.account("bob@gmail.test");

    bed.call(
        "gmail_send",
        Map.of(
            "to",
            List.of("bob@gmail.test"),
            "bcc",
            List.of("secret@example.com"),
            "subject",
            "Lunch?",
            "body",
            "Noon at the usual place?"));

    assertThat(bob.messages()).hasSize(1);
    MimeMessage received = bob.messages().get(0).mime();
    assertThat(received.getSubject()).isEqualTo("Lunch?");
    assertThat(received.getHeader("Bcc")).isNull();
    assertThat(bob.messages().get(0).labels()).contains("INBOX", "UNREAD");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Hello\r\nBcc: evil@attacker.test",
        "Hello\nBcc: evil@attacker.test",
        "Hello\rX-Injected: yes",
        "Hello\u0000there",
        "Hello\u2028Bcc: evil@attacker.test"
      })
  void send_lineBreakInSubject_isRefusedAndNothingIsSent(String subject) {
    ToolResult result =
        bed.call(
            "gmail_send",
            Map.of("to", List.of("anna@example.com"), "subject", subject, "body", "Hi"));

    assertThat(result.status()).isEqualTo(ToolResult.Status.ERROR);
    assertThat(result.content())
        .isEqualTo("'subject' must be a single line without line breaks or control characters");
    assertThat(bed.fake.requestCount("messages.send")).isZero();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "anna@example.com\r\nBcc: evil@attacker.test",
        "Eve\r\nBcc: evil@attacker.test <eve@example.com>",
        "anna@example.com\nSubject: fake"
      })
  void send_lineBreakInRecipientOrName_isRefused(String to) {
    ToolResult result =
        bed.call("gmail_send", Map.of("to", List.of(to), "subject", "Hi", "body", "Hi"));

    assertThat(result.status()).isEqualTo(ToolResult.Status.ERROR);
    assertThat(result.content())
        .isEqualTo("'to' must be a single line without line breaks or control characters");
    assertThat(bed.fake.requestCount("messages.send")).isZero();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not an address",
        "anna@",
        "@example.com",
        "anna@example.com, ben@example.org",
        "jörg@example.de",
        "group: a@example.com;"
      })
  void send_invalidAddress_isRefusedWithAClearError(String to) {
    ToolResult result = bed.call("gmail_send", Map.of("to", List.of(to), "body", "Hi"));

    assertThat(result.status()).isEqualTo(ToolResult.Status.ERROR);
    assertThat(result.content()).startsWith("'to' holds ");
    assertThat(bed.fake.requestCount("messages.send")).isZero();
  }

  @Test
  void send_lineBreakInCc_isRefused() {
    ToolResult result =
        bed.call(
            "gmail_send",
            Map.of(
                "to", List.of("anna@example.com"),
                "cc", List.of("ben@example.org\r\nBcc: evil@attacker.test"),
                "body", "Hi"));

    assertThat(result.content()).startsWith("'cc' must be a single line");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ben@example.org\r\nX-Injected: yes",
        "ben@example.org\nTo: evil@attacker.test",
        "Ben\r\nCc: evil@attacker.test <ben@example.org>",
        "ben@example.org\u2029Subject: fake"
      })
  void send_lineBreakInBcc_isRefusedAndNothingIsSent(String bcc) {
    ToolResult result =
        bed.call(
            "gmail_send",
            Map.of("to", List.of("anna@example.com"), "bcc", List.of(bcc), "body", "Hi"));

    assertThat(result.status()).isEqualTo(ToolResult.Status.ERROR);
    assertThat(result.content())
        .isEqualTo("'bcc' must be a single line without line breaks or control characters");
    assertThat(bed.fake.requestCount("messages.send")).isZero();
  }

  @Test
  void createDraft_lineBreakInBcc_isRefusedAndNoDraftIsMade() {
    ToolResult result =
        bed.call(
            "gmail_create_draft",
            Map.of(
                "to", List.of("anna@example.com"),
                "bcc", List.of("ben@example.org\r\nBcc: evil@attacker.test"),
                "body", "Hi"));

    assertThat(result.content())
        .isEqualTo("'bcc' must be a single line without line breaks or control characters");
    assertThat(bed.fake.requestCount("drafts.create")).isZero();
    assertThat(bed.mailbox.drafts()).isEmpty();
  }

  @Test
  void send_blankBody_isRefused() {
    ToolResult result =
        bed.call("gmail_send", Map.of("to", List.of("anna@example.com"), "body", "  \n "));

    assertThat(result.content()).isEqualTo("'body' must not be empty");
    assertThat(bed.fake.requestCount("messages.send")).isZero();
  }

  @Test
  void send_withoutRecipients_isRefused() {
    ToolResult result = bed.call("gmail_send", Map.of("to", List.of(), "body", "Hi"));

    assertThat(result.content()).isEqualTo("'to' must name at least one recipient");
  }

  @Test
  void send_veryLongSubject_isFoldedAndParsesBack() throws Exception {
    String subject = "Quarterly planning ".repeat(30).strip();

    bed.call(
        "gmail_send", Map.of("to", List.of("anna@example.com"), "subject", subject, "body", "x"));

    StoredMessage sent = bed.mailbox.sent().get(1);
    String raw = new String(sent.raw(), StandardCharsets.US_ASCII);
    assertThat(raw.lines().allMatch(line -> line.length() <= 998)).isTrue();
    assertThat(sent.mime().getSubject()).isEqualTo(subject);
  }

  @Test
  void createDraft_savesADraftAndSendsNothing() throws Exception {
    ToolResult result =
        bed.call(
            "gmail_create_draft",
            Map.of(
                "to", List.of("anna.lind@example.com"),
                "subject", "Entwurf: Übersicht",
                "body", "Noch nicht fertig."));

    assertThat(result.isSuccess()).isTrue();
    assertThat(bed.mailbox.drafts()).hasSize(1);
    StoredMessage draft = bed.mailbox.drafts().get(0);
    assertThat(result.content())
        .startsWith("Created draft r")
        .contains("(message " + draft.id() + ") to anna.lind@example.com.");
    assertThat(draft.labels()).containsExactly("DRAFT");
    assertThat(draft.mime().getSubject()).isEqualTo("Entwurf: Übersicht");
    assertThat(bed.mailbox.sent()).hasSize(1);
    assertThat(bed.fake.requestCount("messages.send")).isZero();
  }

  @Test
  void reply_setsThreadInReplyToReferencesAndSubject() throws Exception {
    StoredMessage original =
        bed.mailbox.messages().stream()
            .filter(m -> m.header("Subject").equals("Q3 report draft"))
            .findFirst()
            .orElseThrow();

    ToolResult result =
        bed.call(
            "gmail_reply",
            Map.of("message_id", original.id(), "body", "Section 3 looks good to me."));

    assertThat(result.isSuccess()).isTrue();
    StoredMessage reply = bed.mailbox.sent().get(bed.mailbox.sent().size() - 1);
    assertThat(result.content())
        .isEqualTo(
            "Sent reply "
                + reply.id()
                + " in thread "
                + original.threadId()
                + " to anna.lind@example.com.");
    assertThat(reply.threadId()).isEqualTo(original.threadId());
    MimeMessage mime = reply.mime();
    assertThat(mime.getSubject()).isEqualTo("Re: Q3 report draft");
    assertThat(mime.getHeader("In-Reply-To", null)).isEqualTo("<q3-report-1@example.com>");
    assertThat(mime.getHeader("References", null)).isEqualTo("<q3-report-1@example.com>");
    assertThat(addresses(mime.getRecipients(RecipientType.TO)))
        .containsExactly("anna.lind@example.com");
    assertThat(mime.getRecipients(RecipientType.CC)).isNull();
  }

  @Test
  void reply_toAReply_keepsTheReferenceChainAndDoesNotRepeatRe() throws Exception {
    StoredMessage latest =
        bed.mailbox.messages().stream()
            .filter(m -> m.header("Message-ID").equals("<q3-report-3@example.com>"))
            .findFirst()
            .orElseThrow();

    bed.call("gmail_reply", Map.of("message_id", latest.id(), "body", "Thanks!"));

    MimeMessage mime = bed.mailbox.sent().get(bed.mailbox.sent().size() - 1).mime();
    assertThat(mime.getSubject()).isEqualTo("Re: Q3 report draft");
    assertThat(mime.getHeader("References", null).replaceAll("\\s+", " "))
        .isEqualTo("<q3-report-1@example.com> <q3-report-2@gmail.test> <q3-report-3@example.com>");
  }

  @Test
  void reply_toTheUsersOwnMessage_goesToItsRecipients() throws Exception {
    StoredMessage own =
        bed.mailbox.messages().stream()
            .filter(m -> m.header("Message-ID").equals("<q3-report-2@gmail.test>"))
            .findFirst()
            .orElseThrow();

    bed.call("gmail_reply", Map.of("message_id", own.id(), "body", "One more thing."));

    MimeMessage mime = bed.mailbox.sent().get(bed.mailbox.sent().size() - 1).mime();
    assertThat(addresses(mime.getRecipients(RecipientType.TO)))
        .containsExactly("anna.lind@example.com");
  }

  @Test
  void replyAll_copiesTheOthersButNotTheUser() throws Exception {
    String id = bed.idOf("Grüße aus München – Termin am Dienstag?");

    ToolResult result =
        bed.call(
            "gmail_reply", Map.of("message_id", id, "body", "Dienstag passt.", "reply_all", true));

    assertThat(result.isSuccess()).isTrue();
    MimeMessage mime = bed.mailbox.sent().get(bed.mailbox.sent().size() - 1).mime();
    assertThat(addresses(mime.getRecipients(RecipientType.TO)))
        .containsExactly("joerg.weiss@example.de");
    assertThat(addresses(mime.getRecipients(RecipientType.CC))).containsExactly("zoe@example.de");
    assertThat(((InternetAddress) mime.getRecipients(RecipientType.CC)[0]).getPersonal())
        .isEqualTo("Zoë Faßbender");
    assertThat(mime.getSubject()).isEqualTo("Re: Grüße aus München – Termin am Dienstag?");
  }

  @Test
  void reply_toAMessageWhoseHeadersHideLineBreaks_injectsNoHeader() throws Exception {
    // given a mail whose encoded subject, sender name and references decode to line breaks
    String raw =
        "From: "
            + encoded("Eve\r\nBcc: evil@attacker.test")
            + " <eve@example.net>\r\n"
            + "To: "
            + GmailTestbed.ALICE
            + "\r\n"
            + "Subject: "
            + encoded("Invoice\r\nBcc: evil@attacker.test")
            + "\r\n"
            + "Message-ID: <hostile-1@example.net>\r\n"
            + "References: <hostile-0@example.net> "
            + encoded("\r\nX-Injected: yes")
            + "\r\n"
            + "Date: Mon, 3 Nov 2025 09:00:00 +0000\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=UTF-8\r\n"
            + "\r\n"
            + "Please pay.\r\n";
    StoredMessage hostile =
        bed.mailbox.deliver(
            raw.getBytes(StandardCharsets.US_ASCII), Mailbox.SEED_START, Set.of("INBOX"));

    // when
    ToolResult result =
        bed.call("gmail_reply", Map.of("message_id", hostile.id(), "body", "Which invoice?"));

    // then
    assertThat(result.isSuccess()).as(result.content()).isTrue();
    StoredMessage reply = bed.mailbox.sent().get(bed.mailbox.sent().size() - 1);
    MimeMessage mime = reply.mime();
    assertThat(mime.getHeader("Bcc")).isNull();
    assertThat(mime.getHeader("X-Injected")).isNull();
    assertThat(addresses(mime.getAllRecipients())).containsExactly("eve@example.net");
    assertThat(mime.getSubject()).doesNotContain("\r", "\n").startsWith("Re: Invoice");
    assertThat(mime.getHeader("In-Reply-To", null)).isEqualTo("<hostile-1@example.net>");
    assertThat(new String(reply.raw(), StandardCharsets.US_ASCII).lines())
        .noneMatch(line -> line.startsWith("Bcc:") || line.startsWith("X-Injected:"));
  }

  @Test
  void reply_toASenderWhoseNameHoldsAColon_reachesTheSender() throws Exception {
    String raw =
        "From: "
            + encoded("Support: ACME")
            + " <support@acme.example>\r\n"
            + "To: "
            + GmailTestbed.ALICE
            + "\r\n"
            + "Subject: Your ticket\r\n"
            + "Message-ID: <ticket-1@acme.example>\r\n"
            + "Date: Mon, 3 Nov 2025 09:00:00 +0000\r\n"
            + "Content-Type: text/plain; charset=UTF-8\r\n"
            + "\r\n"
            + "We have your ticket.\r\n";
    StoredMessage ticket =
        bed.mailbox.deliver(
            raw.getBytes(StandardCharsets.US_ASCII), Mailbox.SEED_START, Set.of("INBOX"));

    ToolResult result =
        bed.call("gmail_reply", Map.of("message_id", ticket.id(), "body", "Thanks"));

    assertThat(result.isSuccess()).as(result.content()).isTrue();
    MimeMessage mime = bed.mailbox.sent().get(bed.mailbox.sent().size() - 1).mime();
    InternetAddress to = (InternetAddress) mime.getRecipients(RecipientType.TO)[0];
    assertThat(to.getAddress()).isEqualTo("support@acme.example");
    assertThat(to.getPersonal()).isEqualTo("Support: ACME");
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc123\r\nBcc: evil@attacker.test", "abc\u0000123", "../abc123"})
  void reply_messageIdThatIsNotAnId_isRefusedBeforeAnyRequest(String id) {
    ToolResult result = bed.call("gmail_reply", Map.of("message_id", id, "body", "Hi"));

    assertThat(result.status()).isEqualTo(ToolResult.Status.ERROR);
    assertThat(result.content()).startsWith("'message_id' must be a Gmail message id");
    assertThat(bed.fake.requests()).isEmpty();
  }

  @Test
  void reply_unknownMessage_isNotFoundAndNothingIsSent() {
    ToolResult result =
        bed.call("gmail_reply", Map.of("message_id", "ffff0000ffff0000", "body", "Hi"));

    assertThat(result.content()).isEqualTo("Gmail has no message with id ffff0000ffff0000.");
    assertThat(bed.fake.requestCount("messages.send")).isZero();
  }

  @Test
  void markRead_removesAndAddsTheUnreadLabel() {
    String id = bed.idOf("Our winter sale starts now");

    ToolResult read = bed.call("gmail_mark_read", Map.of("message_id", id, "read", true));
    boolean unreadAfterRead = bed.mailbox.message(id).orElseThrow().hasLabel("UNREAD");
    ToolResult unread = bed.call("gmail_mark_read", Map.of("message_id", id, "read", false));

    assertThat(read.content()).isEqualTo("Marked message " + id + " as read.");
    assertThat(unreadAfterRead).isFalse();
    assertThat(unread.content()).isEqualTo("Marked message " + id + " as unread.");
    assertThat(bed.mailbox.message(id).orElseThrow().hasLabel("UNREAD")).isTrue();
  }

  @Test
  void markRead_withoutReadArgument_isRefused() {
    ToolResult result = bed.call("gmail_mark_read", Map.of("message_id", "abc"));

    assertThat(result.content()).contains("missing required argument 'read'");
  }

  @Test
  void trash_movesTheMessageToTheTrash() {
    String id = bed.idOf("Signed contract");

    ToolResult result = bed.call("gmail_trash", Map.of("message_id", id));

    assertThat(result.content()).isEqualTo("Moved message " + id + " to the trash.");
    assertThat(bed.mailbox.message(id).orElseThrow().labels()).contains("TRASH");
    assertThat(bed.call("gmail_search", Map.of("query", "subject:contract")).content())
        .isEqualTo("No messages match the search.");
  }

  private static List<String> addresses(jakarta.mail.Address[] addresses) {
    return Arrays.stream(addresses).map(a -> ((InternetAddress) a).getAddress()).toList();
  }

  /** Text as one RFC 2047 encoded word, which hides its line breaks from a header parser. */
  private static String encoded(String text) {
    return "=?UTF-8?B?"
        + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8))
        + "?=";
  }
}
