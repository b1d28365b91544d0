package dev.nexus.connectors.gmail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.core.tool.ToolResult;
import dev.nexus.core.vault.GrantKey;
import dev.nexus.core.vault.GrantStatus;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.testkit.gmail.FakeGmailServer;
import dev.nexus.testkit.gmail.Fault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GmailFaultsTest {

  private static final Map<String, Object> SEND =
      Map.of("to", List.of("anna@example.com"), "subject", "Hi", "body", "Hello Anna");

  private GmailTestbed bed = new GmailTestbed();

  @AfterEach
  void close() {
    bed.close();
  }

  @Test
  void expiredToken_isRefreshedOnceAndTheCallSucceeds() {
    // given the token in the vault is no longer accepted, though not yet expired by its clock
    String before = bed.currentToken();
    bed.fake.expireToken(before);

    // when
    ToolResult result = bed.call("gmail_read_latest", Map.of("count", 2));

    // then
    assertThat(result.isSuccess()).isTrue();
    assertThat(result.content()).startsWith("2 messages:");
    assertThat(bed.currentToken()).isNotEqualTo(before);
    assertThat(bed.fake.requestCount("oauth.token")).isEqualTo(1);
    assertThat(bed.fake.requests())
        .startsWith("messages.list", "oauth.token", "messages.list", "messages.get");
  }

  @Test
  void unauthorizedTwice_asksToReconnect() {
    bed.fake.fail("messages.list", Fault.expiredToken(), 2);

    ToolResult result = bed.call("gmail_read_latest", Map.of());

    assertThat(result.status()).isEqualTo(ToolResult.Status.ERROR);
    assertThat(result.content())
        .isEqualTo("Gmail rejected the connection again after a refresh; connect Gmail again.");
    assertThat(bed.fake.requestCount("messages.list")).isEqualTo(2);
    assertThat(bed.fake.requestCount("oauth.token")).isEqualTo(1);
  }

  @Test
  void expiredTokenWithRevokedGrant_asksToReconnectAndMarksTheGrant() {
    String refresh =
        bed.vault
            .find(GrantKey.of(bed.alice, ProviderId.GMAIL))
            .orElseThrow()
            .refreshToken()
            .reveal();
    bed.toolkit.googleOAuth().revoke(dev.nexus.core.vault.Secret.of(refresh));

    ToolResult result = bed.call("gmail_search", Map.of("query", "anna"));

    assertThat(result.content()).isEqualTo("Google revoked the Gmail grant; connect Gmail again.");
    assertThat(bed.vault.find(GrantKey.of(bed.alice, ProviderId.GMAIL)).orElseThrow().status())
        .isEqualTo(GrantStatus.NEEDS_RECONNECT);
  }

  @Test
  void forbidden_isAPermissionError() {
    bed.fake.fail("messages.get", Fault.forbidden());

    ToolResult result = bed.call("gmail_read_message", Map.of("message_id", "abc123"));

    assertThat(result.content()).isEqualTo("Gmail refused permission for reading the message.");
    assertThat(bed.fake.requestCount("messages.get")).isEqualTo(1);
  }

  @Test
  void insufficientPermissionsFromGmail_asksToReconnect() {
    bed.fake.fail("messages.modify", Fault.status(403, "insufficientPermissions"));

    ToolResult result = bed.call("gmail_mark_read", Map.of("message_id", "abc123", "read", true));

    assertThat(result.content())
        .isEqualTo(
            "Gmail refused changing the message's labels for lack of permission; connect Gmail"
                + " again.");
  }

  @Test
  void rateLimited_honoursRetryAfterAndSucceeds() {
    bed.fake.fail("messages.list", Fault.rateLimited(1));

    ToolResult result = bed.call("gmail_search", Map.of("query", "anna"));

    assertThat(result.isSuccess()).isTrue();
    assertThat(bed.fake.requestCount("messages.list")).isEqualTo(2);
  }

  @Test
  void rateLimited_withAnHttpDateRetryAfterBeyondTheCap_failsAtOnce() {
    String inOneMinute =
        java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
            bed.clock.instant().plusSeconds(60).atZone(java.time.ZoneOffset.UTC));
    bed.fake.fail("messages.list", new Fault.Status(429, "rateLimitExceeded", inOneMinute));

    ToolResult result = bed.call("gmail_search", Map.of("query", "anna"));

    assertThat(result.content())
        .isEqualTo("Gmail is limiting the rate of requests; try the mail search again later.");
    assertThat(bed.fake.requestCount("messages.list")).isEqualTo(1);
  }

  @Test
  void rateLimitedByGmailsForbiddenReason_isTreatedAsARateLimit() {
    bed.fake.fail("messages.list", Fault.status(403, "userRateLimitExceeded"));

    ToolResult result = bed.call("gmail_search", Map.of("query", "anna"));

    assertThat(result.isSuccess()).isTrue();
    assertThat(bed.fake.requestCount("messages.list")).isEqualTo(2);
  }

  @Test
  void rateLimited_askingLongerThanTheCap_failsAtOnceAsRetriable() {
    bed.fake.fail("messages.list", Fault.rateLimited(60));

    ToolResult result = bed.call("gmail_search", Map.of("query", "anna"));

    assertThat(result.content())
        .isEqualTo("Gmail is limiting the rate of requests; try the mail search again later.");
    assertThat(bed.fake.requestCount("messages.list")).isEqualTo(1);
  }

  @Test
  void rateLimited_onSend_isRetriedBecauseNothingWasSent() {
    bed.fake.fail("messages.send", Fault.rateLimited(0));

    ToolResult result = bed.call("gmail_send", SEND);

    assertThat(result.isSuccess()).isTrue();
    assertThat(bed.fake.requestCount("messages.send")).isEqualTo(2);
    assertThat(bed.mailbox.sent()).hasSize(2);
  }

  @Test
  void serverError_onRead_isRetriedAndSucceeds() {
    bed.fake.fail("messages.get", Fault.serverError());

    ToolResult result =
        bed.call("gmail_read_message", Map.of("message_id", bed.idOf("Signed contract")));

    assertThat(result.isSuccess()).isTrue();
    assertThat(bed.fake.requestCount("messages.get")).isEqualTo(2);
  }

  @Test
  void serverErrorForever_givesUpAfterTheBoundWithAClearError() {
    bed.fake.failAlways("messages.list", Fault.serverError());

    ToolResult result = bed.call("gmail_read_latest", Map.of());

    assertThat(result.status()).isEqualTo(ToolResult.Status.ERROR);
    assertThat(result.content())
        .isEqualTo("Gmail is unavailable (HTTP 500); try the mail search again later.");
    assertThat(bed.fake.requestCount("messages.list")).isEqualTo(3);
  }

  @Test
  void serverError_onSend_isNotRetriedAndTheOutcomeIsUnknown() {
    bed.fake.fail("messages.send", Fault.serverError());

    ToolResult result = bed.call("gmail_send", SEND);

    assertThat(result.status()).isEqualTo(ToolResult.Status.OUTCOME_UNKNOWN);
    assertThat(result.content())
        .isEqualTo(
            "Gmail answered the send with a server error (500), so it may or may not have"
                + " happened; check Gmail before trying again.");
    assertThat(bed.fake.requestCount("messages.send")).isEqualTo(1);
  }

  @Test
  void droppedConnection_onRead_isRetried() {
    bed.fake.fail("messages.list", Fault.dropConnection());

    ToolResult result = bed.call("gmail_read_latest", Map.of("count", 1));

    assertThat(result.isSuccess()).isTrue();
    assertThat(bed.fake.requestCount("messages.list")).isEqualTo(2);
  }

  @Test
  void droppedConnection_afterTheSendWasDone_isOutcomeUnknownAfterExactlyOneAttempt() {
    bed.fake.fail("messages.send", Fault.dropAfterProcessing());

    ToolResult result = bed.call("gmail_send", SEND);

    assertThat(result.status()).isEqualTo(ToolResult.Status.OUTCOME_UNKNOWN);
    assertThat(result.content())
        .isEqualTo(
            "The connection to Gmail broke during the send, so it may or may not have happened;"
                + " check Gmail before trying again.");
    assertThat(bed.fake.requestCount("messages.send")).isEqualTo(1);
    assertThat(bed.mailbox.sent()).hasSize(2);
  }

  @Test
  void droppedConnection_beforeTheSendWasDone_isStillNotRetried() {
    bed.fake.fail("messages.send", Fault.dropConnection());

    ToolResult result = bed.call("gmail_send", SEND);

    assertThat(result.status()).isEqualTo(ToolResult.Status.OUTCOME_UNKNOWN);
    assertThat(bed.fake.requestCount("messages.send")).isEqualTo(1);
    assertThat(bed.mailbox.sent()).hasSize(1);
  }

  @Test
  void droppedConnection_onReplySend_isOutcomeUnknown() {
    bed.fake.fail("messages.send", Fault.dropAfterProcessing());

    ToolResult result =
        bed.call("gmail_reply", Map.of("message_id", bed.idOf("Q3 report draft"), "body", "Sure."));

    assertThat(result.status()).isEqualTo(ToolResult.Status.OUTCOME_UNKNOWN);
    assertThat(bed.fake.requestCount("messages.send")).isEqualTo(1);
  }

  @Test
  void droppedConnection_onDraft_isOutcomeUnknown() {
    bed.fake.fail("drafts.create", Fault.dropConnection());

    ToolResult result = bed.call("gmail_create_draft", SEND);

    assertThat(result.status()).isEqualTo(ToolResult.Status.OUTCOME_UNKNOWN);
    assertThat(bed.fake.requestCount("drafts.create")).isEqualTo(1);
  }

  @Test
  void droppedConnection_onTrash_isRetriedBecauseTrashingTwiceChangesNothing() {
    String id = bed.idOf("Signed contract");
    bed.fake.fail("messages.trash", Fault.dropAfterProcessing());

    ToolResult result = bed.call("gmail_trash", Map.of("message_id", id));

    assertThat(result.isSuccess()).isTrue();
    assertThat(bed.fake.requestCount("messages.trash")).isEqualTo(2);
  }

  @Test
  void slowAnswer_beyondTheReadTimeout_isRetriedForReads() {
    bed.fake.fail("messages.get", Fault.latency(Duration.ofMillis(2_500)));

    ToolResult result =
        bed.call("gmail_read_message", Map.of("message_id", bed.idOf("Signed contract")));

    assertThat(result.isSuccess()).isTrue();
    assertThat(bed.fake.requestCount("messages.get")).isEqualTo(2);
  }

  @Test
  void slowAnswer_beyondTheReadTimeout_onSend_isOutcomeUnknownAfterExactlyOneAttempt() {
    bed.fake.fail("messages.send", Fault.latency(Duration.ofMillis(2_500)));

    ToolResult result = bed.call("gmail_send", SEND);

    assertThat(result.status()).isEqualTo(ToolResult.Status.OUTCOME_UNKNOWN);
    assertThat(result.content())
        .isEqualTo(
            "Gmail did not answer the send within 2 seconds, so it may or may not have happened;"
                + " check Gmail before trying again.");
    assertThat(bed.fake.requestCount("messages.send")).isEqualTo(1);
  }

  @Test
  void slowAnswer_beyondTheReadTimeout_onDraft_isOutcomeUnknownAfterExactlyOneAttempt() {
    bed.fake.fail("drafts.create", Fault.latency(Duration.ofMillis(2_500)));

    ToolResult result = bed.call("gmail_create_draft", SEND);

    assertThat(result.status()).isEqualTo(ToolResult.Status.OUTCOME_UNKNOWN);
    assertThat(result.content())
        .isEqualTo(
            "Gmail did not answer creating the draft within 2 seconds, so it may or may not have"
                + " happened; check Gmail before trying again.");
    assertThat(bed.fake.requestCount("drafts.create")).isEqualTo(1);
  }

  @Test
  void missingScope_isAReconnectErrorBeforeAnyRequest() {
    bed.close();
    bed = new GmailTestbed(Set.of(FakeGmailServer.SCOPE_READONLY), Duration.ofSeconds(2));

    ToolResult send = bed.call("gmail_send", SEND);
    ToolResult draft = bed.call("gmail_create_draft", SEND);
    ToolResult trash = bed.call("gmail_trash", Map.of("message_id", "abc"));
    ToolResult read = bed.call("gmail_read_latest", Map.of("count", 1));

    assertThat(send.content())
        .isEqualTo(
            "Gmail is connected without permission to send mail; connect Gmail again and allow"
                + " Nexus to send mail.");
    assertThat(draft.content()).contains("without permission to create drafts");
    assertThat(trash.content())
        .contains("without permission to change labels and move mail to the trash");
    assertThat(read.isSuccess()).isTrue();
    assertThat(bed.fake.requests()).doesNotContain("messages.send", "drafts.create");
    assertThat(bed.fake.requests()).doesNotContain("messages.trash");
  }

  @Test
  void notConnected_saysToConnect() {
    bed.vault.delete(GrantKey.of(bed.alice, ProviderId.GMAIL));

    ToolResult result = bed.call("gmail_read_latest", Map.of());

    assertThat(result.content())
        .isEqualTo("no gmail account is connected for this user in this organization");
    assertThat(bed.fake.requests()).isEmpty();
  }
}
