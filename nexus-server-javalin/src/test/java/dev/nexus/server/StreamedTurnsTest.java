package dev.nexus.server;

import static dev.nexus.server.TestServer.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nexus.core.model.LanguageModel;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.testkit.gemini.FakeGeminiServer;
import dev.nexus.testkit.gemini.GeminiReply;
import dev.nexus.testkit.gmail.StoredMessage;
import dev.nexus.testkit.model.ScriptedLanguageModel;
import dev.nexus.vault.DatabaseSettings;
import dev.nexus.vault.VaultDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Turns as server-sent events, event by event: a parked call and its approval, a refused call, a
 * failing model and a failing turn; and a caller's own Gemini key, which reaches Gemini and nothing
 * else (no table, no file of the database, no answer).
 *
 * <p>The server's default model is scripted per test; a request with {@code X-Gemini-Api-Key} runs
 * on the real Gemini client against the fake Gemini.
 */
class StreamedTurnsTest {

  private static final String OWN_KEY = "callers-own-key-5b1e2f9c7d";
  private static final AtomicReference<ScriptedLanguageModel> SCRIPT = new AtomicReference<>();

  private static final LanguageModel SCRIPTED =
      (request, deltas) -> SCRIPT.get().generate(request, deltas);

  static final StartedService<FakeGeminiServer> gemini =
      new StartedService<>(FakeGeminiServer::start);

  @RegisterExtension
  static final SandboxExtension sandbox =
      SandboxExtension.withGemini(gemini)
          .components(components -> components.withDefaultModel(SCRIPTED));

  @BeforeEach
  void freshScripts() {
    SCRIPT.set(new ScriptedLanguageModel());
    gemini.get().reset();
  }

  private static ScriptedLanguageModel model() {
    return SCRIPT.get();
  }

  private static List<String> names(List<TestServer.Sse> events) {
    return events.stream().map(TestServer.Sse::event).toList();
  }

  private static TestServer.Sse only(List<TestServer.Sse> events, String name) {
    List<TestServer.Sse> found = events.stream().filter(e -> e.event().equals(name)).toList();
    assertThat(found).as("events named " + name).hasSize(1);
    return found.get(0);
  }

  private static String text(List<TestServer.Sse> events) {
    StringBuilder text = new StringBuilder();
    events.stream()
        .filter(e -> e.event().equals("text"))
        .forEach(e -> text.append(e.data().get("text").asText()));
    return text.toString();
  }

  private static String messages(String conversation) {
    return "/api/conversations/" + conversation + "/messages";
  }

  private static List<StoredMessage> sentBy(String token) {
    String access = sandbox.nexus().grant(token, ProviderId.GMAIL).accessToken().reveal();
    return sandbox.fakes().gmail().mailbox(access).sent();
  }

  @Test
  void parkedSend_streamsTheExactCall_andApprovingOverSse_runsItOnceAndStreamsToDone() {
    String token = sandbox.nexus().token("sse-ada@example.com", "org-sse", "member");
    sandbox.nexus().connect(token, "gmail");
    String conversation = sandbox.nexus().newConversation(token);
    Map<String, Object> arguments =
        Map.of("to", List.of("test@example.com"), "subject", "Hi", "body", "hello over sse");
    model().thenToolCall("gmail_send", arguments).thenText("I sent it to test@example.com.");

    List<TestServer.Sse> parked =
        sandbox.nexus().stream(messages(conversation), token, Map.of("text", "Send it"));

    assertThat(names(parked)).containsExactly("tool_call", "approval_required", "done");
    JsonNode call = only(parked, "tool_call").data();
    assertThat(call.get("tool").asText()).isEqualTo("gmail_send");
    assertThat(call.get("arguments")).isEqualTo(TestServer.JSON.valueToTree(arguments));
    JsonNode approval = only(parked, "approval_required").data();
    String approvalId = approval.get("approval_id").asText();
    assertThat(approval.get("id").asText()).isEqualTo(approvalId).isNotBlank();
    assertThat(approval.get("status").asText()).isEqualTo("pending");
    assertThat(approval.get("conversation").asText()).isEqualTo(conversation);
    assertThat(approval.get("risk").asText()).isEqualTo("write");
    assertThat(approval.get("call")).isEqualTo(call);
    JsonNode waiting = only(parked, "done").data();
    assertThat(waiting.get("status").asText()).isEqualTo("awaiting_approval");
    assertThat(waiting.get("pending").asInt()).isEqualTo(1);
    assertThat(waiting.get("conversation").asText()).isEqualTo(conversation);
    int sentBefore = sentBy(token).size();

    List<TestServer.Sse> resumed =
        sandbox.nexus().stream("/api/approvals/" + approvalId + "/approve", token, null);

    assertThat(names(resumed).get(0)).isEqualTo("tool_result");
    assertThat(names(resumed).subList(1, resumed.size() - 1)).isNotEmpty().containsOnly("text");
    JsonNode result = resumed.get(0).data();
    assertThat(result.get("id").asText()).isEqualTo(call.get("id").asText());
    assertThat(result.get("tool").asText()).isEqualTo("gmail_send");
    assertThat(result.get("status").asText()).isEqualTo("success");
    assertThat(text(resumed)).isEqualTo("I sent it to test@example.com.");
    TestServer.Sse done = resumed.get(resumed.size() - 1);
    assertThat(done.event()).isEqualTo("done");
    assertThat(done.data().get("status").asText()).isEqualTo("completed");
    assertThat(done.data().get("text").asText()).isEqualTo("I sent it to test@example.com.");
    List<StoredMessage> sent = sentBy(token);
    assertThat(sent).hasSize(sentBefore + 1);
    assertThat(sent.get(sent.size() - 1).header("To")).isEqualTo("test@example.com");
    assertThat(sent.get(sent.size() - 1).text()).contains("hello over sse");
    assertThat(model().remaining()).isZero();
  }

  @Test
  void guestsSend_isStreamedAsDenied_withTheCallAndTheReason_andNeverParks() {
    String admin = sandbox.nexus().token("sse-admin@example.com", "org-sse-guest", "admin");
    String guest = sandbox.nexus().token("sse-guest@example.com", "org-sse-guest", "guest");
    sandbox.nexus().connect(guest, "gmail");
    String conversation = sandbox.nexus().newConversation(guest);
    Map<String, Object> arguments = Map.of("to", List.of("boss@example.com"), "body", "I quit");
    model().thenToolCall("gmail_send", arguments).thenText("I may not send mail for you.");

    List<TestServer.Sse> events =
        sandbox.nexus().stream(messages(conversation), guest, Map.of("text", "Send it"));

    assertThat(names(events)).doesNotContain("approval_required", "tool_result");
    assertThat(names(events).subList(0, 2)).containsExactly("tool_call", "denied");
    JsonNode denied = only(events, "denied").data();
    assertThat(denied.get("id").asText()).isEqualTo(events.get(0).data().get("id").asText());
    assertThat(denied.get("tool").asText()).isEqualTo("gmail_send");
    assertThat(denied.get("arguments")).isEqualTo(TestServer.JSON.valueToTree(arguments));
    assertThat(denied.get("reason").asText()).contains("not allowed to use gmail_send");
    TestServer.Sse done = events.get(events.size() - 1);
    assertThat(done.event()).isEqualTo("done");
    assertThat(done.data().get("status").asText()).isEqualTo("completed");
    assertThat(sandbox.nexus().get("/api/approvals", admin).json().get("approvals")).isEmpty();
    assertThat(sentBy(guest)).noneMatch(m -> "boss@example.com".equals(m.header("To")));
  }

  @Test
  void failingModel_isStreamedAsAnErrorEvent_namingNeitherTheVendorsTextNorTheKey() {
    String token = sandbox.nexus().token("sse-fail@example.com", null, null);
    String conversation = sandbox.nexus().newConversation(token);
    GeminiReply outage = GeminiReply.error(500, "shard 7 of the backend exploded");
    gemini.get().enqueue(outage).fallback(outage);

    List<TestServer.Sse> events =
        sandbox.nexus().stream(
            messages(conversation), token, Map.of("text", "hi"), "X-Gemini-Api-Key", OWN_KEY);

    assertThat(gemini.get().requests()).isNotEmpty().allMatch(r -> OWN_KEY.equals(r.apiKey()));
    assertThat(names(events)).containsExactly("error");
    JsonNode error = events.get(0).data();
    assertThat(error.get("type").asText()).isEqualTo("https://nexus.dev/problems/turn-failed");
    assertThat(error.get("title").asText()).isEqualTo("Turn failed");
    assertThat(error.get("conversation").asText()).isEqualTo(conversation);
    assertThat(error.get("detail").asText())
        .startsWith("The model could not answer")
        .doesNotContain("shard 7")
        .doesNotContain(OWN_KEY);

    model().thenText("Back again.");
    assertThat(sandbox.nexus().chat(token, conversation, "hello?").get("text").asText())
        .isEqualTo("Back again.");
  }

  @Test
  void turnFailingAfterItsFirstEvents_endsTheStreamWithAnInternalErrorEvent() {
    String token = sandbox.nexus().token("sse-crash@example.com", null, null);
    sandbox.nexus().connect(token, "gmail");
    String conversation = sandbox.nexus().newConversation(token);
    model()
        .thenToolCall("gmail_read_latest", Map.of("count", 1))
        .thenFail(() -> new IllegalStateException("the disk of shard 9 is on fire"));

    List<TestServer.Sse> events =
        sandbox.nexus().stream(messages(conversation), token, Map.of("text", "Read my mail"));

    assertThat(names(events)).containsExactly("tool_call", "tool_result", "error");
    assertThat(events.get(1).data().get("status").asText()).isEqualTo("success");
    JsonNode error = events.get(2).data();
    assertThat(error.get("type").asText()).isEqualTo("https://nexus.dev/problems/internal");
    assertThat(error.get("status").asInt()).isEqualTo(500);
    assertThat(error.get("instance").asText()).isEqualTo(messages(conversation));
    assertThat(error.get("detail").asText()).isNotBlank().doesNotContain("shard 9");
  }

  @Test
  void turnFailingBeforeItsFirstEvent_isAnsweredAsAProblem_notAsAStream() {
    String token = sandbox.nexus().token("sse-early@example.com", null, null);
    String conversation = sandbox.nexus().newConversation(token);
    model().thenFail(() -> new IllegalStateException("the disk of shard 3 is on fire"));

    TestServer.Response response =
        sandbox
            .nexus()
            .post(
                messages(conversation), token, Map.of("text", "hi"), "Accept", "text/event-stream");

    assertProblem(response, 500, "internal");
    assertThat(response.body()).doesNotContain("shard 3");
  }

  @Test
  void decidingOverSse_whatCannotBeDecided_isAProblemWithItsStatus_notAStream() {
    String ann = sandbox.nexus().token("sse-ann@example.com", "org-sse-decide", "member");
    String bob = sandbox.nexus().token("sse-bob@example.com", "org-sse-decide", "member");
    String stranger = sandbox.nexus().token("sse-eve@example.com", "org-sse-other", "admin");
    sandbox.nexus().connect(ann, "gmail");
    String conversation = sandbox.nexus().newConversation(ann);
    model()
        .thenToolCall("gmail_send", Map.of("to", List.of("test@example.com"), "body", "once"))
        .thenText("Sent.");
    String approval =
        sandbox.nexus().chat(ann, conversation, "Send it").get("pending").get(0).asText();
    String approve = "/api/approvals/" + approval + "/approve";
    String deny = "/api/approvals/" + approval + "/deny";

    assertProblem(
        sandbox.nexus().post(approve, stranger, null, "Accept", "text/event-stream"),
        404,
        "not-found");
    assertProblem(
        sandbox.nexus().post(approve, bob, null, "Accept", "text/event-stream"), 403, "forbidden");
    assertProblem(
        sandbox.nexus().post(deny, bob, null, "Accept", "text/event-stream"), 403, "forbidden");
    assertThat(names(sandbox.nexus().stream(approve, ann, null))).endsWith("done");
    int sent = sentBy(ann).size();

    assertProblem(
        sandbox.nexus().post(approve, ann, null, "Accept", "text/event-stream"), 409, "conflict");
    assertProblem(
        sandbox.nexus().post(deny, ann, null, "Accept", "text/event-stream"), 409, "conflict");
    assertThat(sentBy(ann)).hasSize(sent);
  }

  @Test
  void ownGeminiKey_reachesGeminiOnly_neverAnAnswer_aTable_orAFileOfTheDatabase() throws Exception {
    String token = sandbox.nexus().token("sse-byok@example.com", null, null);
    sandbox.nexus().connect(token, "gmail");
    String conversation = sandbox.nexus().newConversation(token);
    String marker = "marker-" + UUID.randomUUID();
    gemini
        .get()
        .enqueue(
            GeminiReply.functionCall(
                "gmail_send", Map.of("to", List.of("test@example.com"), "body", marker)))
        .enqueue(GeminiReply.text("Sent ", "it."));
    List<TestServer.Response> answers = new ArrayList<>();

    TestServer.Response turn =
        sandbox
            .nexus()
            .post(
                messages(conversation),
                token,
                Map.of("text", "Mail " + marker),
                "X-Gemini-Api-Key",
                OWN_KEY);
    answers.add(turn);
    String approval = turn.json().get("pending").get(0).asText();
    answers.add(
        sandbox
            .nexus()
            .post(
                "/api/approvals/" + approval + "/approve",
                token,
                null,
                "Accept",
                "text/event-stream",
                "X-Gemini-Api-Key",
                OWN_KEY));
    answers.add(sandbox.nexus().get("/api/conversations/" + conversation, token));
    answers.add(sandbox.nexus().get("/api/conversations", token));
    answers.add(sandbox.nexus().get("/api/approvals?status=executed", token));
    answers.add(sandbox.nexus().get("/api/me", token));
    answers.add(sandbox.nexus().get("/api/audit?limit=1000", token));

    assertThat(gemini.get().requests()).hasSize(2).allMatch(r -> OWN_KEY.equals(r.apiKey()));
    assertThat(answers.get(1).body()).contains("event: done").contains("Sent it.");
    assertThat(answers.get(2).body()).contains(marker);
    for (TestServer.Response answer : answers) {
      assertThat(answer.status()).as(answer.body()).isEqualTo(200);
      assertThat(answer.body()).doesNotContain(OWN_KEY);
      answer
          .headers()
          .forEach((name, values) -> assertThat(values).noneMatch(v -> v.contains(OWN_KEY)));
    }
    assertThat(cellsContaining(marker)).as("the scan sees the turn's rows").isNotEmpty();
    assertThat(cellsContaining(OWN_KEY)).isEmpty();
    assertThat(filesContaining(marker)).as("the scan sees the database's files").isNotEmpty();
    assertThat(filesContaining(OWN_KEY)).isEmpty();
  }

  /**
   * Every {@code table.column} of the Nexus schema holding {@code needle} in some row (as text, or
   * as hex in a bytea), read as the schema owner, whom row-level security does not filter.
   */
  private static List<String> cellsContaining(String needle) throws SQLException {
    String hex = HexFormat.of().formatHex(needle.getBytes(StandardCharsets.UTF_8));
    DatabaseSettings db = sandbox.nexus().database().settings();
    List<String> found = new ArrayList<>();
    try (Connection connection =
        DriverManager.getConnection(db.jdbcUrl(), db.ownerUser(), db.ownerPassword().reveal())) {
      List<String[]> columns = new ArrayList<>();
      try (PreparedStatement query =
          connection.prepareStatement(
              "SELECT table_name, column_name FROM information_schema.columns"
                  + " WHERE table_schema = ? ORDER BY 1, 2")) {
        query.setString(1, VaultDatabase.SCHEMA);
        try (ResultSet rows = query.executeQuery()) {
          while (rows.next()) {
            columns.add(new String[] {rows.getString(1), rows.getString(2)});
          }
        }
      }
      assertThat(columns).as("columns of the schema").hasSizeGreaterThan(20);
      for (String[] column : columns) {
        String cell = "\"" + column[1] + "\"::text";
        try (PreparedStatement count =
            connection.prepareStatement(
                "SELECT count(*) FROM "
                    + VaultDatabase.SCHEMA
                    + ".\""
                    + column[0]
                    + "\" WHERE position(? in "
                    + cell
                    + ") > 0 OR position(? in "
                    + cell
                    + ") > 0")) {
          count.setString(1, needle);
          count.setString(2, hex);
          try (ResultSet rows = count.executeQuery()) {
            rows.next();
            if (rows.getLong(1) > 0) {
              found.add(column[0] + "." + column[1]);
            }
          }
        }
      }
    }
    return found;
  }

  /** Every file under the data directory (PostgreSQL's tables and write-ahead log among them). */
  private static List<Path> filesContaining(String needle) throws IOException {
    byte[] bytes = needle.getBytes(StandardCharsets.UTF_8);
    List<Path> found = new ArrayList<>();
    Files.walkFileTree(
        sandbox.dataDir(),
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            if (attributes.isRegularFile()) {
              try {
                if (contains(Files.readAllBytes(file), bytes)) {
                  found.add(file);
                }
              } catch (NoSuchFileException gone) {
                // A temporary file PostgreSQL removed while the scan ran.
              }
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            // As above; any other failure fails the scan.
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }
        });
    return found;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
