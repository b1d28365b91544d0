package dev.nexus.connectors.gmail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.core.tool.ToolResult;
import dev.nexus.core.vault.GrantKey;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.core.vault.Secret;
import dev.nexus.testkit.gmail.FakeGmailServer;
import dev.nexus.testkit.gmail.Fault;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GmailLoggingTest {

  private static final Map<String, Object> SECRET_MAIL =
      Map.of(
          "to", List.of("Secret Person <secret.person@example.com>"),
          "subject", "Confidential merger",
          "body", "The merger closes on Friday.");

  private GmailTestbed bed = new GmailTestbed();

  @AfterEach
  void close() {
    bed.close();
  }

  @Test
  void serverErrorOnSend_isOneWarningWithTheStatusAndNoContent() {
    // given a send that Gmail answers with a server error, after a read that is refreshed
    String token = bed.currentToken();
    bed.fake.fail("messages.send", Fault.serverError());
    bed.fake.expireToken(token);

    // when
    Captured<ToolResult> run =
        capture(
            () -> {
              bed.call("gmail_search", Map.of("query", "from:anna.lind@example.com"));
              return bed.call("gmail_send", SECRET_MAIL);
            });

    // then
    assertThat(run.result().status()).isEqualTo(ToolResult.Status.OUTCOME_UNKNOWN);
    assertThat(warnings(run.log()))
        .singleElement()
        .asString()
        .contains("gmail_send failed: OutcomeUnknownException (HTTP 500 backendError) after ");
    assertThat(run.log())
        .contains("gmail messages.list target=- attempt=1 outcome=401 refreshing")
        .contains("gmail messages.send target=- failed attempt=1 outcome=500 backendError");
    assertNothingPersonal(run.log(), token);
  }

  @Test
  void invalidInput_isOneWarningNamingTheKindOnly() {
    Map<String, Object> injected =
        Map.of(
            "to", List.of("secret.person@example.com"),
            "bcc", List.of("hidden.person@example.com\r\nX-Confidential: merger"),
            "body", "The merger closes on Friday.");

    Captured<ToolResult> run = capture(() -> bed.call("gmail_send", injected));

    assertThat(run.result().status()).isEqualTo(ToolResult.Status.ERROR);
    assertThat(warnings(run.log()))
        .singleElement()
        .asString()
        .contains("gmail_send failed: InvalidInputException after ");
    assertThat(run.log()).doesNotContain("hidden.person").doesNotContain("X-Confidential");
    assertNothingPersonal(run.log(), bed.currentToken());
  }

  @Test
  void missingScope_isOneWarningAndNoRequest() {
    bed.close();
    bed = new GmailTestbed(Set.of(FakeGmailServer.SCOPE_READONLY), Duration.ofSeconds(2));

    Captured<ToolResult> run = capture(() -> bed.call("gmail_send", SECRET_MAIL));

    assertThat(run.result().content()).contains("without permission to send mail");
    assertThat(warnings(run.log()))
        .singleElement()
        .asString()
        .contains("gmail_send failed: ReconnectRequiredException after ");
    assertNothingPersonal(run.log(), bed.currentToken());
  }

  @Test
  void invalidGrantDuringRefresh_isOneWarning() {
    String token = bed.currentToken();
    String refresh =
        bed.vault
            .find(GrantKey.of(bed.alice, ProviderId.GMAIL))
            .orElseThrow()
            .refreshToken()
            .reveal();
    bed.toolkit.googleOAuth().revoke(Secret.of(refresh));

    Captured<ToolResult> run =
        capture(() -> bed.call("gmail_search", Map.of("query", "from:anna.lind@example.com")));

    assertThat(run.result().content())
        .isEqualTo("Google revoked the Gmail grant; connect Gmail again.");
    assertThat(warnings(run.log()))
        .singleElement()
        .asString()
        .contains("gmail_search failed: InvalidGrantException (HTTP 400 invalid_grant) after ");
    assertNothingPersonal(run.log(), token);
    assertThat(run.log()).doesNotContain(refresh);
  }

  @Test
  void notFound_isOneWarningWithTheStatus() {
    Captured<ToolResult> run =
        capture(() -> bed.call("gmail_read_message", Map.of("message_id", "ffff0000ffff0000")));

    assertThat(run.result().status()).isEqualTo(ToolResult.Status.ERROR);
    assertThat(warnings(run.log()))
        .singleElement()
        .asString()
        .contains("gmail_read_message failed: NotFoundException (HTTP 404 ");
    assertNothingPersonal(run.log(), bed.currentToken());
  }

  @Test
  void serverErrorOnEveryRetryOfARead_isStillOneWarning() {
    bed.fake.failAlways("messages.list", Fault.serverError());

    Captured<ToolResult> run =
        capture(() -> bed.call("gmail_search", Map.of("query", "from:anna.lind@example.com")));

    assertThat(bed.fake.requestCount("messages.list")).isEqualTo(3);
    assertThat(warnings(run.log()))
        .singleElement()
        .asString()
        .contains("gmail_search failed: RetriableException (HTTP 500 backendError) after ");
    assertNothingPersonal(run.log(), bed.currentToken());
  }

  @Test
  void droppedConnectionOnSend_isOneWarningNamingTheIoFailure() {
    bed.fake.fail("messages.send", Fault.dropAfterProcessing());

    Captured<ToolResult> run = capture(() -> bed.call("gmail_send", SECRET_MAIL));

    assertThat(run.result().status()).isEqualTo(ToolResult.Status.OUTCOME_UNKNOWN);
    assertThat(warnings(run.log()))
        .singleElement()
        .asString()
        .containsPattern("gmail_send failed: OutcomeUnknownException \\(\\w+\\) after ");
    assertNothingPersonal(run.log(), bed.currentToken());
  }

  @Test
  void notConnected_isOneWarning() {
    bed.vault.delete(GrantKey.of(bed.alice, ProviderId.GMAIL));

    Captured<ToolResult> run = capture(() -> bed.call("gmail_read_latest", Map.of()));

    assertThat(run.result().status()).isEqualTo(ToolResult.Status.ERROR);
    assertThat(warnings(run.log()))
        .singleElement()
        .asString()
        .contains("gmail_read_latest failed: ReconnectRequiredException after ");
  }

  @Test
  void success_logsNoWarning() {
    Captured<ToolResult> run = capture(() -> bed.call("gmail_read_latest", Map.of("count", 1)));

    assertThat(run.result().isSuccess()).isTrue();
    assertThat(warnings(run.log())).isEmpty();
  }

  private record Captured<T>(T result, String log) {}

  /** Runs {@code action} with standard error, where the test logger writes, captured. */
  private static <T> Captured<T> capture(Supplier<T> action) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      T result = action.get();
      return new Captured<>(result, captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
    }
  }

  private static List<String> warnings(String log) {
    return log.lines().filter(line -> line.contains("WARN")).toList();
  }

  private void assertNothingPersonal(String log, String token) {
    assertThat(log)
        .doesNotContain(token)
        .doesNotContain(bed.currentToken())
        .doesNotContain("secret.person")
        .doesNotContain("Secret Person")
        .doesNotContain("Confidential")
        .doesNotContain("merger")
        .doesNotContain("anna.lind")
        .doesNotContain(GmailTestbed.ALICE)
        .doesNotContain(FakeGmailServer.DEFAULT_CLIENT_SECRET);
  }
}
