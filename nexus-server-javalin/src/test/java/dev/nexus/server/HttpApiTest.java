package dev.nexus.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.server.http.Route;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The API's contract at its edges: errors, tenancy, roles, documents and headers. */
class HttpApiTest {

  @RegisterExtension
  static final SandboxExtension sandbox =
      new SandboxExtension()
          .env(
              env -> {
                env.put("NEXUS_MAX_BODY_BYTES", "4096");
                env.put("NEXUS_TURNS_PER_USER_PER_MINUTE", "5");
                env.put("NEXUS_CORS_ORIGINS", "https://app.example.com");
              });

  /** A problem answer, as {@link TestServer#assertProblem}, that explains itself in its detail. */
  private static void assertProblem(TestServer.Response response, int status, String type) {
    JsonNode body = TestServer.assertProblem(response, status, type);
    assertThat(body.get("detail").asText()).isNotBlank();
  }

  @Test
  void unauthenticated_missingOrBadTokens_are401() {
    assertProblem(sandbox.nexus().get("/api/me", null), 401, "unauthenticated");
    assertProblem(sandbox.nexus().get("/api/me", "not-a-jwt"), 401, "unauthenticated");
    String forged =
        sandbox
            .fakes()
            .auth0()
            .signedWithUnknownKey(Map.of("sub", "x", "aud", "https://nexus.sandbox/api"));
    TestServer.Response refused = sandbox.nexus().get("/api/me", forged);
    assertProblem(refused, 401, "unauthenticated");
    assertThat(refused.body()).doesNotContain(forged);
  }

  @Test
  void malformedJson_is400_andWrongValues_are422() {
    String token = sandbox.nexus().token("mal@example.com", null, null);
    String conversation = sandbox.nexus().newConversation(token);

    assertProblem(
        sandbox
            .nexus()
            .send("POST", "/api/conversations/" + conversation + "/messages", token, "{\"text\":"),
        400,
        "malformed-request");
    assertProblem(
        sandbox
            .nexus()
            .send("POST", "/api/conversations/" + conversation + "/messages", token, "[1,2]"),
        400,
        "malformed-request");
    assertProblem(
        sandbox
            .nexus()
            .post("/api/conversations/" + conversation + "/messages", token, Map.of("text", 42)),
        422,
        "invalid-value");
    assertProblem(
        sandbox.nexus().post("/sandbox/token", null, Map.of("email", "not an email")),
        422,
        "invalid-value");
    assertProblem(
        sandbox.nexus().post("/sandbox/token", null, Map.of("email", "a@b.test", "role", "owner")),
        422,
        "invalid-value");
  }

  @Test
  void oversizedBody_is413() {
    String token = sandbox.nexus().token("big@example.com", null, null);
    String conversation = sandbox.nexus().newConversation(token);

    assertProblem(
        sandbox
            .nexus()
            .post(
                "/api/conversations/" + conversation + "/messages",
                token,
                Map.of("text", "x".repeat(10_000))),
        413,
        "too-large");
  }

  @Test
  void unknownRoute_is404Problem() {
    assertProblem(
        sandbox
            .nexus()
            .get("/api/nothing-here", sandbox.nexus().token("r@example.com", null, null)),
        404,
        "route-not-found");
    assertProblem(sandbox.nexus().get("/no/such/page", null), 404, "route-not-found");
  }

  @Test
  void anotherOrganizationsObjects_are404() {
    String owner = sandbox.nexus().token("owner@example.com", "org-a", "admin");
    String stranger = sandbox.nexus().token("stranger@example.com", "org-b", "admin");
    sandbox.nexus().connect(owner, "gmail");
    String conversation = sandbox.nexus().newConversation(owner);
    JsonNode turn =
        sandbox
            .nexus()
            .chat(owner, conversation, "Send an email to test@example.com saying secret");
    String approval = turn.get("pending").get(0).asText();

    assertProblem(
        sandbox.nexus().get("/api/conversations/" + conversation, stranger), 404, "not-found");
    assertProblem(
        sandbox
            .nexus()
            .post(
                "/api/conversations/" + conversation + "/messages", stranger, Map.of("text", "hi")),
        404,
        "not-found");
    assertProblem(
        sandbox.nexus().post("/api/approvals/" + approval + "/approve", stranger, null),
        404,
        "not-found");
    assertProblem(
        sandbox.nexus().post("/api/approvals/" + approval + "/deny", stranger, null),
        404,
        "not-found");
    assertProblem(
        sandbox.nexus().send("DELETE", "/api/connections/gmail", stranger, null), 404, "not-found");
    assertThat(sandbox.nexus().get("/api/approvals", stranger).json().get("approvals")).isEmpty();
    assertThat(sandbox.nexus().get("/api/connections", owner).json().toString())
        .contains("connected");
  }

  @Test
  void eachSandboxUser_connectsTheirOwnMailbox() {
    String ann = sandbox.nexus().token("ann@example.com", "org-mail", "member");
    String bob = sandbox.nexus().token("bob@example.com", "org-mail", "member");

    sandbox.nexus().connect(ann, "gmail");
    sandbox.nexus().connect(bob, "gmail");

    assertThat(mailboxOf(ann)).isEqualTo("ann@example.com");
    assertThat(mailboxOf(bob)).isEqualTo("bob@example.com");
  }

  private static String mailboxOf(String token) {
    String access = sandbox.nexus().grant(token, ProviderId.GMAIL).accessToken().reveal();
    return sandbox.fakes().gmail().mailbox(access).email();
  }

  @Test
  void members_onlyAdminsManage_andTheLastAdminStays() {
    String admin = sandbox.nexus().token("admin@example.com", "org-m", "admin");
    String member = sandbox.nexus().token("member@example.com", "org-m", "member");

    assertProblem(sandbox.nexus().get("/api/organization/members", member), 403, "forbidden");
    TestServer.Response added =
        sandbox
            .nexus()
            .post("/api/organization/members", admin, Map.of("user", "newbie", "role", "guest"));
    assertThat(added.status()).isEqualTo(201);
    assertThat(sandbox.nexus().get("/api/organization/members", admin).json().toString())
        .contains("newbie");
    assertThat(
            sandbox
                .nexus()
                .send("PUT", "/api/organization/members/newbie", admin, "{\"role\":\"manager\"}")
                .json()
                .get("role")
                .asText())
        .isEqualTo("manager");
    assertProblem(
        sandbox
            .nexus()
            .send(
                "PUT",
                "/api/organization/members/sandbox%7Cadmin@example.com",
                admin,
                "{\"role\":\"member\"}"),
        409,
        "conflict");
    assertThat(
            sandbox
                .nexus()
                .send("DELETE", "/api/organization/members/newbie", admin, null)
                .status())
        .isEqualTo(204);
    assertProblem(
        sandbox.nexus().send("DELETE", "/api/organization/members/newbie", admin, null),
        404,
        "not-found");
  }

  @Test
  void audit_isForManagersAndAdmins_andVerifies() {
    String manager = sandbox.nexus().token("boss@example.com", "org-audit", "manager");
    String guest = sandbox.nexus().token("guest@example.com", "org-audit", "guest");
    sandbox.nexus().connect(manager, "gmail");
    String conversation = sandbox.nexus().newConversation(manager);
    sandbox.nexus().chat(manager, conversation, "Read my latest 2 emails");

    assertProblem(sandbox.nexus().get("/api/audit", guest), 403, "forbidden");
    JsonNode page = sandbox.nexus().get("/api/audit?limit=2", manager).json();
    assertThat(page.get("records")).hasSize(2);
    JsonNode next =
        sandbox.nexus().get("/api/audit?after=" + page.get("next").asLong(), manager).json();
    assertThat(next.get("records").get(0).get("sequence").asLong())
        .isEqualTo(page.get("next").asLong() + 1);
    assertThat(sandbox.nexus().get("/api/audit/verify", manager).json().get("intact").asBoolean())
        .isTrue();
    assertProblem(sandbox.nexus().get("/api/audit?limit=5000", manager), 422, "invalid-value");
  }

  @Test
  void chatTurns_areRateLimitedPerUser() {
    String token = sandbox.nexus().token("chatty@example.com", null, null);
    String conversation = sandbox.nexus().newConversation(token);
    List<Integer> statuses = new ArrayList<>();
    TestServer.Response last = null;
    for (int i = 0; i < 7; i++) {
      last =
          sandbox
              .nexus()
              .post(
                  "/api/conversations/" + conversation + "/messages", token, Map.of("text", "hi"));
      statuses.add(last.status());
    }

    assertThat(statuses.subList(0, 5)).containsOnly(200);
    assertProblem(last, 429, "rate-limited");
    assertThat(last.header("Retry-After")).matches("\\d+");
  }

  @Test
  void everyAnswer_carriesSecurityHeaders_andCorsOnlyForConfiguredOrigins() {
    TestServer.Response allowed =
        sandbox.nexus().get("/health", null, "Origin", "https://app.example.com");
    TestServer.Response other =
        sandbox.nexus().get("/health", null, "Origin", "https://evil.example");

    assertThat(allowed.status()).isEqualTo(200);
    assertThat(allowed.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(allowed.header("Content-Security-Policy")).contains("default-src 'self'");
    assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
    assertThat(other.header("Access-Control-Allow-Origin")).isNull();
  }

  @Test
  void health_andMetrics_answer() {
    assertThat(sandbox.nexus().get("/health", null).json().get("database").asText())
        .isEqualTo("ok");
    sandbox.nexus().get("/health", null);
    assertThat(sandbox.nexus().get("/metrics", null).body()).contains("nexus_http_requests_total");
  }

  @Test
  void openApi_documentsExactlyTheRunningRoutes() throws IOException {
    JsonNode document = sandbox.nexus().get("/openapi.json", null).json();
    Set<String> documented = new TreeSet<>();
    for (Map.Entry<String, JsonNode> path : document.get("paths").properties()) {
      path.getValue()
          .fieldNames()
          .forEachRemaining(m -> documented.add(m.toUpperCase() + " " + path.getKey()));
    }
    Set<String> running = new TreeSet<>();
    for (Route route : sandbox.nexus().server.routes()) {
      running.add(route.toString());
    }

    assertThat(documented).isEqualTo(running);
    for (String route : running) {
      String[] parts = route.split(" ", 2);
      String path = parts[1].replaceAll("\\{[^}]+}", "x");
      TestServer.Response response = sandbox.nexus().send(parts[0], path, null, null);
      assertThat(response.body()).as(route).doesNotContain("route-not-found");
    }
    try (InputStream in = getClass().getResourceAsStream("/openapi.json")) {
      assertThat(in).isNotNull();
    }
    assertThat(document.get("openapi").asText()).isEqualTo("3.1.0");
  }

  @Test
  void streamedTurn_endsWithDone() {
    String token = sandbox.nexus().token("stream@example.com", null, null);
    sandbox.nexus().connect(token, "gmail");
    String conversation = sandbox.nexus().newConversation(token);

    List<TestServer.Sse> events =
        sandbox.nexus().chatStream(token, conversation, "Read my latest 3 emails");

    assertThat(events)
        .extracting(TestServer.Sse::event)
        .contains("tool_call", "tool_result", "text");
    assertThat(events.get(events.size() - 1).event()).isEqualTo("done");
    assertThat(events.get(events.size() - 1).data().get("status").asText()).isEqualTo("completed");
  }
}
