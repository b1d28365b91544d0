package dev.nexus.connectors.notion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.core.tool.ToolResult;
import dev.nexus.core.vault.OAuthGrant;
import dev.nexus.core.vault.Secret;
import dev.nexus.testkit.notion.Fault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connector's error policy against injected faults: refresh on 401, permission and not-found
 * answers, waits for 429 and 5xx, retried reads, and writes that are never sent twice.
 */
class NotionErrorPolicyTest {

  private NotionTestBed bed = new NotionTestBed();

  @AfterEach
  void tearDown() {
    bed.close();
  }

  @Test
  void expiredToken_isRefreshedOnce_andTheRotatedRefreshTokenIsStored() {
    bed.server.expire(bed.tokens.accessToken());

    ToolResult result = readMeetingNotes();

    assertThat(result.isSuccess()).as(result.content()).isTrue();
    OAuthGrant grant = bed.vault.find(bed.grantKey()).orElseThrow();
    assertThat(grant.accessToken()).isNotEqualTo(Secret.of(bed.tokens.accessToken()));
    assertThat(grant.refreshToken()).isNotEqualTo(Secret.of(bed.tokens.refreshToken()));
    assertThat(bed.server.accepts(grant.accessToken().reveal())).isTrue();
    assertThat(bed.server.requestCount("POST", "/v1/oauth/token")).isEqualTo(1);
    assertThat(bed.server.requestCount("GET", "/v1/pages/")).isEqualTo(2);
  }

  @Test
  void rejectedTwice_asksToReconnect_afterASingleRefresh() {
    bed.server.fail("GET", "/v1/pages/", Fault.unauthorized());
    bed.server.fail("GET", "/v1/pages/", Fault.unauthorized());

    ToolResult result = readMeetingNotes();

    assertThat(result.status()).isEqualTo(ToolResult.Status.ERROR);
    assertThat(result.content())
        .isEqualTo("Notion rejected the connection again after a refresh; reconnect Notion");
    assertThat(bed.server.requestCount("POST", "/v1/oauth/token")).isEqualTo(1);
    assertThat(bed.server.requestCount("GET", "/v1/pages/")).isEqualTo(2);
  }

  @Test
  void rejectedWithARevokedRefreshToken_asksToReconnect() {
    bed.server.expire(bed.tokens.accessToken());
    bed.toolkit.notionOAuthProvider().refresh(Secret.of(bed.tokens.refreshToken()));

    ToolResult result = readMeetingNotes();

    assertThat(result.status()).isEqualTo(ToolResult.Status.ERROR);
    assertThat(result.content()).contains("connect Notion again");
  }

  @Test
  void restrictedResource_isAPermissionError() {
    bed.workspace.restrict(bed.seeded.meetingNotesPageId());

    ToolResult result = readMeetingNotes();

    assertThat(result.status()).isEqualTo(ToolResult.Status.ERROR);
    assertThat(result.content())
        .isEqualTo(
            "Notion denied access for notion_read_page; the page or data source must be shared"
                + " with the Nexus integration");
  }

  @Test
  void unknownPage_isNotFound() {
    ToolResult result =
        bed.call("notion_read_page", Map.of("page_id", "0123456789abcdef0123456789abcdef"));

    assertThat(result.status()).isEqualTo(ToolResult.Status.ERROR);
    assertThat(result.content()).startsWith("Notion found nothing for notion_read_page");
  }

  @Test
  void rateLimited_waitsForRetryAfter_thenSucceeds() {
    bed.server.fail("GET", "/v1/pages/", Fault.rateLimited(2));

    ToolResult result = readMeetingNotes();

    assertThat(result.isSuccess()).isTrue();
    assertThat(bed.waits).containsExactly(Duration.ofSeconds(2));
    assertThat(bed.server.requestCount("GET", "/v1/pages/")).isEqualTo(2);
  }

  @Test
  void rateLimited_longerThanTheLongestWait_failsAtOnceWithTheWait() {
    bed.server.fail("GET", "/v1/pages/", Fault.rateLimited(60));

    ToolResult result = readMeetingNotes();

    assertThat(result.content())
        .isEqualTo("Notion is rate limiting requests; try again in 60 seconds");
    assertThat(bed.waits).isEmpty();
    assertThat(bed.server.requestCount("GET", "/v1/pages/")).isEqualTo(1);
  }

  @Test
  void rateLimited_onEveryAttempt_givesUpAfterTheAttemptLimit() {
    for (int i = 0; i < 3; i++) {
      bed.server.fail("POST", "/v1/search", Fault.rateLimited(1));
    }

    ToolResult result = bed.call("notion_search", Map.of("query", "notes"));

    assertThat(result.status()).isEqualTo(ToolResult.Status.ERROR);
    assertThat(result.content()).startsWith("Notion is rate limiting requests");
    assertThat(bed.waits).hasSize(2);
    assertThat(bed.server.requestCount("POST", "/v1/search")).isEqualTo(3);
  }

  @Test
  void serverErrors_onARead_areRetriedWithGrowingBackoff() {
    bed.server.fail("GET", "/v1/pages/", Fault.serverError());
    bed.server.fail("GET", "/v1/pages/", Fault.overloaded());

    ToolResult result = readMeetingNotes();

    assertThat(result.isSuccess()).isTrue();
    assertThat(bed.waits).hasSize(2);
    assertThat(bed.waits.get(0)).isBetween(Duration.ofMillis(10), Duration.ofMillis(12));
    assertThat(bed.waits.get(1)).isBetween(Duration.ofMillis(20), Duration.ofMillis(24));
  }

  @Test
  void overloaded_onAWrite_isRetried_becauseNotionDidNotApplyIt() {
    bed.server.fail("POST", "/v1/pages", Fault.overloaded());

    ToolResult result = createPage("Retried once");

    assertThat(result.isSuccess()).as(result.content()).isTrue();
    assertThat(bed.server.requestCount("POST", "/v1/pages")).isEqualTo(2);
    assertThat(pagesTitled("Retried once")).isEqualTo(1);
  }

  @Test
  void internalError_onAWrite_isAnUnknownOutcome_andNotRetried() {
    bed.server.fail("POST", "/v1/pages", Fault.serverError());

    ToolResult result = createPage("Maybe created");

    assertThat(result.status()).isEqualTo(ToolResult.Status.OUTCOME_UNKNOWN);
    assertThat(result.content()).contains("may or may not have taken effect");
    assertThat(bed.server.requestCount("POST", "/v1/pages")).isEqualTo(1);
  }

  @Test
  void droppedConnection_onARead_isRetried() {
    bed.server.fail("GET", "/v1/blocks/", Fault.dropConnection());

    ToolResult result = readMeetingNotes();

    assertThat(result.isSuccess()).as(result.content()).isTrue();
    assertThat(result.content()).contains("Ship the Notion connector in January");
    assertThat(bed.server.requestCount("GET", "/v1/blocks/")).isEqualTo(2);
  }

  @Test
  void droppedConnection_onCreate_isAnUnknownOutcome_afterExactlyOneAttempt() {
    bed.server.fail("POST", "/v1/pages", Fault.dropConnection());

    ToolResult result = createPage("Dropped");

    assertThat(result.status()).isEqualTo(ToolResult.Status.OUTCOME_UNKNOWN);
    assertThat(result.content())
        .isEqualTo(
            "Notion did not answer the notion_create_page request, so it may or may not have"
                + " taken effect; check in Notion before trying again");
    assertThat(bed.server.requestCount("POST", "/v1/pages")).isEqualTo(1);
    assertThat(bed.waits).isEmpty();
  }

  @Test
  void droppedConnection_afterTheCreateTookEffect_leavesExactlyOnePage() {
    bed.server.fail("POST", "/v1/pages", Fault.dropConnectionAfterEffect());

    ToolResult result = createPage("Created but unanswered");

    assertThat(result.status()).isEqualTo(ToolResult.Status.OUTCOME_UNKNOWN);
    assertThat(pagesTitled("Created but unanswered")).isEqualTo(1);
    assertThat(bed.server.requestCount("POST", "/v1/pages")).isEqualTo(1);
  }

  @Test
  void timeout_onAnAppend_isAnUnknownOutcome() {
    bed.close();
    bed = new NotionTestBed(settings -> settings.withCallTimeout(Duration.ofMillis(300)));
    bed.server.fail("PATCH", "/v1/blocks/", Fault.latency(Duration.ofSeconds(2)));

    ToolResult result =
        bed.call(
            "notion_append",
            Map.of("page_id", bed.seeded.meetingNotesPageId(), "content", "One more line"));

    assertThat(result.status()).isEqualTo(ToolResult.Status.OUTCOME_UNKNOWN);
    assertThat(bed.server.requestCount("PATCH", "/v1/blocks/")).isEqualTo(1);
  }

  @Test
  void failureInALaterBatch_saysHowFarTheContentGot() {
    String id = bed.seeded.meetingNotesPageId();
    bed.server.fail("PATCH", "/v1/blocks/", Fault.latency(Duration.ZERO));
    bed.server.fail("PATCH", "/v1/blocks/", Fault.restricted());
    String content = String.join("\n\n", java.util.Collections.nCopies(150, "line"));

    ToolResult result = bed.call("notion_append", Map.of("page_id", id, "content", content));

    assertThat(result.status()).isEqualTo(ToolResult.Status.ERROR);
    assertThat(result.content())
        .startsWith("Only 100 of 150 top-level blocks were added before Notion failed: ");
  }

  private ToolResult readMeetingNotes() {
    return bed.call("notion_read_page", Map.of("page_id", bed.seeded.meetingNotesPageId()));
  }

  private ToolResult createPage(String title) {
    return bed.call(
        "notion_create_page",
        Map.of(
            "title",
            title,
            "content",
            "Body text.",
            "parent_page_id",
            bed.seeded.handbookPageId()));
  }

  private long pagesTitled(String title) {
    List<String> ids = bed.workspace.pageIds();
    return ids.stream().filter(id -> bed.workspace.title(id).orElse("").equals(title)).count();
  }
}
