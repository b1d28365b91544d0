package dev.nexus.connectors.gmail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.core.tool.ToolResult;
import dev.nexus.testkit.gmail.FakeGmailServer;
import dev.nexus.testkit.gmail.Fault;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GmailLoggingTest {

  private final GmailTestbed bed = new GmailTestbed();

  @AfterEach
  void close() {
    bed.close();
  }

  @Test
  void failures_areLoggedAsOneLineWithoutContentOrTokens() {
    // given a send that Gmail answers with a server error, and a read that is refreshed
    String token = bed.currentToken();
    bed.fake.fail("messages.send", Fault.serverError());
    bed.fake.expireToken(token);
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();

    // when
    ToolResult result;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      bed.call("gmail_search", Map.of("query", "from:anna.lind@example.com"));
      result =
          bed.call(
              "gmail_send",
              Map.of(
                  "to", List.of("Secret Person <secret.person@example.com>"),
                  "subject", "Confidential merger",
                  "body", "The merger closes on Friday."));
    } finally {
      System.setErr(original);
    }

    // then
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(result.status()).isEqualTo(ToolResult.Status.OUTCOME_UNKNOWN);
    assertThat(log.lines().filter(l -> l.contains("WARN")).toList())
        .singleElement()
        .asString()
        .contains("gmail messages.send target=- failed attempt=1 outcome=500 backendError");
    assertThat(log).contains("gmail messages.list target=- attempt=1 outcome=401 refreshing");
    assertThat(log)
        .doesNotContain(token)
        .doesNotContain(bed.currentToken())
        .doesNotContain("secret.person")
        .doesNotContain("Confidential")
        .doesNotContain("merger")
        .doesNotContain("anna.lind")
        .doesNotContain(FakeGmailServer.DEFAULT_CLIENT_SECRET);
  }
}
