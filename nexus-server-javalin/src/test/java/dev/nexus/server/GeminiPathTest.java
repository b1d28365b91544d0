package dev.nexus.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.nexus.testkit.gemini.FakeGeminiServer;
import dev.nexus.testkit.gemini.GeminiReply;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** The Gemini path: the real LangChain4j client against the fake Gemini, streamed over SSE. */
class GeminiPathTest {

  private static final String SERVER_KEY = "server-key-0123456789";
  private static final String OWN_KEY = "callers-own-key-9876543210";

  static final StartedService<FakeGeminiServer> gemini =
      new StartedService<>(FakeGeminiServer::start);

  @RegisterExtension
  static final SandboxExtension sandbox =
      SandboxExtension.withGemini(gemini).env(env -> env.put("NEXUS_GEMINI_API_KEY", SERVER_KEY));

  @Test
  void gemini_streamsTextAndToolCallsThroughSse() {
    String token = sandbox.nexus().token("gem@example.com", null, null);
    sandbox.nexus().connect(token, "gmail");
    String conversation = sandbox.nexus().newConversation(token);
    gemini.get().reset();
    gemini
        .get()
        .enqueue(GeminiReply.functionCall("gmail_read_latest", Map.of("count", 2)))
        .enqueue(GeminiReply.text("You have ", "two new ", "mails."));

    List<TestServer.Sse> events = sandbox.nexus().chatStream(token, conversation, "What is new?");

    assertThat(events)
        .extracting(TestServer.Sse::event)
        .containsSubsequence("tool_call", "tool_result", "text", "done");
    assertThat(events.get(0).data().get("tool").asText()).isEqualTo("gmail_read_latest");
    assertThat(events)
        .filteredOn(e -> e.event().equals("text"))
        .extracting(e -> e.data().get("text").asText())
        .containsExactly("You have ", "two new ", "mails.");
    assertThat(gemini.get().requests()).hasSize(2);
    assertThat(gemini.get().lastRequest().apiKey()).isEqualTo(SERVER_KEY);
    assertThat(gemini.get().lastRequest().declaredFunctionNames())
        .contains("gmail_send", "notion_create_page");
    assertThat(gemini.get().lastRequest().functionResponses()).hasSize(1);
  }

  @Test
  void ownKeyHeader_isUsedForThatRequestOnly_andNeverLoggedOrEchoed() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    try {
      String token = sandbox.nexus().token("byo@example.com", null, null);
      String conversation = sandbox.nexus().newConversation(token);
      gemini.get().reset();
      gemini
          .get()
          .enqueue(GeminiReply.text("Hello with your key."))
          .enqueue(GeminiReply.invalidApiKey());

      TestServer.Response ok =
          sandbox
              .nexus()
              .post(
                  "/api/conversations/" + conversation + "/messages",
                  token,
                  Map.of("text", "hi"),
                  "X-Gemini-Api-Key",
                  OWN_KEY);
      TestServer.Response refused =
          sandbox
              .nexus()
              .post(
                  "/api/conversations/" + conversation + "/messages",
                  token,
                  Map.of("text", "again"),
                  "X-Gemini-Api-Key",
                  OWN_KEY);

      assertThat(ok.status()).isEqualTo(200);
      assertThat(gemini.get().requests()).extracting(r -> r.apiKey()).containsOnly(OWN_KEY);
      assertThat(ok.body()).doesNotContain(OWN_KEY);
      assertThat(refused.body()).contains("error").doesNotContain(OWN_KEY);
      // The request line is logged once the answer is written, so it may trail the response.
      long deadline = System.nanoTime() + 2_000_000_000L;
      while (System.nanoTime() < deadline
          && requestLines(logs).stream().noneMatch(line -> line.contains(" -> 200 in "))) {
        Thread.sleep(10);
      }
      assertThat(requestLines(logs))
          .anySatisfy(
              line ->
                  assertThat(line).startsWith("POST /api/conversations/{id}/messages -> 200 in "));
      for (ILoggingEvent event : logs.list) {
        assertThat(event.getFormattedMessage()).doesNotContain(OWN_KEY).doesNotContain(SERVER_KEY);
        if (event.getThrowableProxy() != null) {
          assertThat(event.getThrowableProxy().getMessage()).doesNotContain(OWN_KEY);
        }
      }
    } finally {
      root.detachAppender(logs);
    }
  }

  private static List<String> requestLines(ListAppender<ILoggingEvent> logs) {
    synchronized (logs.list) {
      return logs.list.stream()
          .map(ILoggingEvent::getFormattedMessage)
          .filter(line -> line.startsWith("POST /api/conversations/{id}/messages -> "))
          .toList();
    }
  }
}
