package dev.nexus.connectors.gmail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.core.tool.ToolResult;
import dev.nexus.testkit.gmail.StoredMessage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GmailReadToolsTest {

  private final GmailTestbed bed = new GmailTestbed();

  @AfterEach
  void close() {
    bed.close();
  }

  @Test
  void search_bySender_listsMatchingMessagesNewestFirst() {
    // given a seeded mailbox with three messages in Anna's thread, one sent by alice

    // when
    ToolResult result = bed.call("gmail_search", Map.of("query", "from:anna.lind@example.com"));

    // then
    assertThat(result.isSuccess()).isTrue();
    String text = result.content();
    assertThat(text).startsWith("2 messages:\n\nid: ");
    assertThat(text).contains("from: Anna Lind <anna.lind@example.com>");
    assertThat(text).contains("subject: Re: Q3 report draft");
    assertThat(text).contains("snippet: Great, thank you! I also added the appendix.");
    assertThat(text.indexOf("subject: Re: Q3 report draft"))
        .isLessThan(text.indexOf("subject: Q3 report draft"));
    assertThat(bed.fake.requestCount("messages.list")).isEqualTo(1);
    assertThat(bed.fake.requestCount("messages.get")).isEqualTo(2);
  }

  @Test
  void search_withMaxResults_listsAtMostThatMany() {
    ToolResult result = bed.call("gmail_search", Map.of("query", "in:inbox", "max_results", 2));

    assertThat(result.content()).startsWith("2 messages:");
    assertThat(result.content().split("\nid: ")).hasSize(3);
  }

  @Test
  void search_withoutMatches_saysSo() {
    ToolResult result = bed.call("gmail_search", Map.of("query", "from:nobody@nowhere.test"));

    assertThat(result.isSuccess()).isTrue();
    assertThat(result.content()).isEqualTo("No messages match the search.");
  }

  @Test
  void readLatest_default_listsTheInboxNewestFirstWithCountLine() {
    ToolResult result = bed.call("gmail_read_latest", Map.of("count", 3));

    assertThat(result.content()).startsWith("3 messages:\n\nid: ");
    List<String> subjects =
        result.content().lines().filter(l -> l.startsWith("subject: ")).toList();
    assertThat(subjects)
        .containsExactly(
            "subject: Meeting notes (very long)",
            "subject: Signed contract",
            "subject: Our winter sale starts now");
    assertThat(result.content()).doesNotContain("Thanks Anna, I will read section 3");
  }

  @Test
  void readLatest_unreadOnly_listsOnlyUnreadMessages() {
    ToolResult result = bed.call("gmail_read_latest", Map.of("unread_only", true));

    List<String> expected =
        bed.mailbox.messages().stream()
            .filter(m -> m.hasLabel("UNREAD") && m.hasLabel("INBOX"))
            .map(StoredMessage::id)
            .toList();
    assertThat(expected).hasSize(3);
    assertThat(result.content()).startsWith("3 messages:");
    expected.forEach(id -> assertThat(result.content()).contains("id: " + id));
    assertThat(result.content().split("unread: yes")).hasSize(4);
  }

  @Test
  void readLatest_byUserLabelName_usesTheLabel() {
    ToolResult result = bed.call("gmail_read_latest", Map.of("label", "Projects"));

    assertThat(result.content()).startsWith("2 messages:");
    assertThat(result.content()).contains("subject: Q3 report draft");
  }

  @Test
  void readLatest_emptyLabel_saysThereAreNone() {
    ToolResult result = bed.call("gmail_read_latest", Map.of("label", "SPAM"));

    assertThat(result.content()).isEqualTo("No messages in SPAM.");
  }

  @Test
  void readMessage_plainText_givesHeadersAndBody() {
    String id = bed.idOf("Q3 report draft");

    ToolResult result = bed.call("gmail_read_message", Map.of("message_id", id));

    assertThat(result.isSuccess()).isTrue();
    assertThat(result.content())
        .startsWith("id: " + id + "\nthread: ")
        .contains("\nfrom: Anna Lind <anna.lind@example.com>\n")
        .contains("\nto: alice@gmail.test\n")
        .contains("\nsubject: Q3 report draft\n")
        .contains("\nlabels: ")
        .contains(
            "\nbody:\nHi,\n\nthe Q3 report draft is ready for review. Numbers are up 12% on Q2.");
  }

  @Test
  void readMessage_nonAsciiSenderAndSubject_areDecoded() {
    String id = bed.idOf("Grüße aus München – Termin am Dienstag?");

    ToolResult result = bed.call("gmail_read_message", Map.of("message_id", id));

    assertThat(result.content())
        .contains("from: Jörg Weiß <joerg.weiss@example.de>")
        .contains("Zoë Faßbender <zoe@example.de>")
        .contains("subject: Grüße aus München – Termin am Dienstag?")
        .contains("Wir treffen uns im Büro an der Maximilianstraße.");
  }

  @Test
  void readMessage_htmlOnly_isTurnedIntoTextWithoutMarkup() {
    String id = bed.idOf("Our winter sale starts now");

    ToolResult result = bed.call("gmail_read_message", Map.of("message_id", id));

    String body = result.content().substring(result.content().indexOf("\nbody:\n") + 7);
    assertThat(body)
        .contains("Winter sale")
        .contains("Everything 30% off until Sunday.")
        .contains("- Coats\n- Boots & scarves")
        .contains("See the offers <https://shop.example/sale>");
    assertThat(body).doesNotContain("<p>", "<b>", "color:red", "track()", "&amp;");
  }

  @Test
  void readMessage_withAttachment_listsItWithoutDownloading() {
    String id = bed.idOf("Signed contract");

    ToolResult result = bed.call("gmail_read_message", Map.of("message_id", id));

    assertThat(result.content())
        .contains("attachments (not downloaded):\n- contract-signed.pdf (application/pdf, 12.1 KB)")
        .contains("Please find the signed contract attached.");
    assertThat(bed.fake.requests()).containsExactly("messages.get");
  }

  @Test
  void readMessage_longBody_isCappedWithANote() {
    String id = bed.idOf("Meeting notes (very long)");

    ToolResult result = bed.call("gmail_read_message", Map.of("message_id", id));

    String body = result.content().substring(result.content().indexOf("\nbody:\n") + 7);
    assertThat(body).contains("[body cut at 8000 of ");
    assertThat(body.length()).isLessThan(8_200);
  }

  @Test
  void readMessage_capIsConfigurable() {
    try (GmailToolkit small = new GmailToolkit(bed.settings.withMaxBodyChars(500), bed.clock)) {
      String id = bed.idOf("Meeting notes (very long)");

      ToolResult result =
          small
              .tool("gmail_read_message")
              .orElseThrow()
              .execute(
                  bed.context,
                  new dev.nexus.core.tool.ToolCall(
                          dev.nexus.core.tool.ToolCallId.random(),
                          "gmail_read_message",
                          Map.of("message_id", id))
                      .args());

      assertThat(result.content()).contains("[body cut at 500 of ");
    }
  }

  @Test
  void readMessage_unknownId_isNotFound() {
    ToolResult result = bed.call("gmail_read_message", Map.of("message_id", "ffff0000ffff0000"));

    assertThat(result.status()).isEqualTo(ToolResult.Status.ERROR);
    assertThat(result.content()).isEqualTo("Gmail has no message with id ffff0000ffff0000.");
  }

  @Test
  void readMessage_malformedId_isRefusedBeforeAnyRequest() {
    ToolResult result = bed.call("gmail_read_message", Map.of("message_id", "../../drafts"));

    assertThat(result.status()).isEqualTo(ToolResult.Status.ERROR);
    assertThat(result.content()).contains("'message_id' must be a Gmail message id");
    assertThat(bed.fake.requests()).isEmpty();
  }
}
