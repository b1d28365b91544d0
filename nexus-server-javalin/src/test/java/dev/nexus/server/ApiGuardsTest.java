package dev.nexus.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What guards the API, route by route: the bearer token on every {@code /api} route, the security
 * headers on every kind of answer, CORS for the configured origin only, roles on members and the
 * audit, the approvals filter, conflicts when deciding twice, and what the OpenAPI document claims
 * for the decision routes.
 */
class ApiGuardsTest {

  private static final String ORIGIN = "https://app.example.com";
  private static final String PUBLIC_URL = "https://nexus.example.com";
  private static final int TURNS_PER_USER = 4;
  private static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none';"
          + " form-action 'self'";

  @RegisterExtension
  static final SandboxExtension sandbox =
      new SandboxExtension()
          .env(
              env -> {
                env.put("NEXUS_CORS_ORIGINS", ORIGIN);
                env.put("NEXUS_PUBLIC_URL", PUBLIC_URL);
                env.put("NEXUS_TURNS_PER_USER_PER_MINUTE", Integer.toString(TURNS_PER_USER));
              });

  /** A problem answer, as {@link TestServer#assertProblem}, that explains itself in its detail. */
  private static JsonNode assertProblem(TestServer.Response response, int status, String type) {
    JsonNode body = TestServer.assertProblem(response, status, type);
    assertThat(body.get("detail").asText()).isNotBlank();
    return body;
  }

  private static void assertSecurityHeaders(TestServer.Response response) {
    assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(response.header("X-Frame-Options")).isEqualTo("DENY");
    assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
    assertThat(response.header("Cross-Origin-Opener-Policy")).isEqualTo("same-origin");
    assertThat(response.header("Content-Security-Policy")).isEqualTo(CSP);
    assertThat(response.header("Strict-Transport-Security"))
        .isEqualTo("max-age=31536000; includeSubDomains");
  }

  /** Every documented route as {@code METHOD path}, with path parameters filled in. */
  private static List<String[]> documentedApiRoutes() {
    JsonNode document = sandbox.nexus().get("/openapi.json", null).json();
    List<String[]> routes = new ArrayList<>();
    document
        .get("paths")
        .properties()
        .forEach(
            path ->
                path.getValue()
                    .fieldNames()
                    .forEachRemaining(
                        method ->
                            routes.add(
                                new String[] {
                                  method.toUpperCase(),
                                  path.getKey(),
                                  path.getKey().replaceAll("\\{[^}]+}", "x0")
                                })));
    return routes;
  }

  // ---- authentication ----

  @Test
  void everyApiRoute_withoutAValidBearerToken_is401Problem_exceptTheOAuthCallback() {
    Instant now = Instant.now();
    String expired =
        sandbox
            .fakes()
            .auth0()
            .token()
            .subject("sandbox|late@example.com")
            .audience("https://nexus.sandbox/api")
            .issuedAt(now.minusSeconds(7200))
            .expiresAt(now.minusSeconds(3600))
            .sign();
    String forged =
        sandbox
            .fakes()
            .auth0()
            .signedWithWrongKey(
                Map.of("sub", "sandbox|x@example.com", "aud", "https://nexus.sandbox/api"));
    String unknownKey =
        sandbox
            .fakes()
            .auth0()
            .signedWithUnknownKey(
                "made-up-key",
                Map.of("sub", "sandbox|x@example.com", "aud", "https://nexus.sandbox/api"));
    List<String[]> routes = documentedApiRoutes();
    Set<String> checked = new TreeSet<>();

    for (String[] route : routes) {
      if (!route[1].startsWith("/api/")) {
        continue;
      }
      if (route[1].endsWith("/callback")) {
        TestServer.Response callback = sandbox.nexus().send(route[0], route[2], null, null);
        assertThat(callback.status()).as("the callback needs no token").isNotEqualTo(401);
        continue;
      }
      String name = route[0] + " " + route[1];
      assertProblem(sandbox.nexus().send(route[0], route[2], null, null), 401, "unauthenticated");
      assertProblem(
          sandbox
              .nexus()
              .send(route[0], route[2], null, null, "Authorization", "Basic dXNlcjpwYXNz"),
          401,
          "unauthenticated");
      for (String token : List.of("garbled.not-a.jwt", expired, forged, unknownKey)) {
        TestServer.Response refused = sandbox.nexus().send(route[0], route[2], token, null);
        assertThat(refused.status()).as(name).isEqualTo(401);
        assertProblem(refused, 401, "unauthenticated");
        assertThat(refused.header("WWW-Authenticate")).as(name).isEqualTo("Bearer realm=\"nexus\"");
        assertThat(refused.body()).as(name).doesNotContain(token);
      }
      checked.add(name);
    }

    assertThat(checked)
        .hasSize(17)
        .contains(
            "GET /api/me",
            "POST /api/conversations/{id}/messages",
            "POST /api/approvals/{id}/approve",
            "DELETE /api/connections/{provider}",
            "PUT /api/organization/members/{userId}",
            "GET /api/audit/verify");
  }

  @Test
  void onlyTheCallbackRouteItself_skipsTheBearerToken_notOtherPathsEndingInCallback() {
    for (String[] request :
        List.of(
            new String[] {"GET", "/api/callback"},
            new String[] {"GET", "/api/me/callback"},
            new String[] {"GET", "/api/connections//callback"},
            new String[] {"GET", "/api/connections/gmail/extra/callback"},
            new String[] {"POST", "/api/connections/gmail/callback"},
            new String[] {"DELETE", "/api/connections/gmail/callback"})) {
      TestServer.Response answer = sandbox.nexus().send(request[0], request[1], null, null);
      assertThat(answer.status()).as(request[0] + " " + request[1]).isEqualTo(401);
      assertProblem(answer, 401, "unauthenticated");
    }
    TestServer.Response callback =
        sandbox.nexus().get("/api/connections/gmail/callback?code=c&state=s", null);
    assertThat(callback.status()).as(callback.body()).isEqualTo(422);
  }

  // ---- headers ----

  @Test
  void securityHeaders_areOnProblems_streams_thePage_itsScripts_andHealth() {
    String token = sandbox.nexus().token("headers@example.com", null, null);
    String conversation = sandbox.nexus().newConversation(token);
    TestServer.Response problem = sandbox.nexus().get("/api/nothing-here", token);
    TestServer.Response unauthenticated = sandbox.nexus().get("/api/me", null);
    TestServer.Response stream =
        sandbox
            .nexus()
            .post(
                "/api/conversations/" + conversation + "/messages",
                token,
                Map.of("text", "hello"),
                "Accept",
                "text/event-stream");
    TestServer.Response page = sandbox.nexus().get("/", null);
    TestServer.Response script = sandbox.nexus().get("/js/app.js", null);
    TestServer.Response health = sandbox.nexus().get("/health", null);

    assertProblem(problem, 404, "route-not-found");
    assertProblem(unauthenticated, 401, "unauthenticated");
    assertThat(stream.contentType()).startsWith("text/event-stream");
    assertThat(stream.body()).contains("event: done");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(page.body()).contains("<html");
    assertThat(script.status()).isEqualTo(200);
    assertThat(health.json().get("status").asText()).isEqualTo("ok");
    for (TestServer.Response answer :
        List.of(problem, unauthenticated, stream, page, script, health)) {
      assertSecurityHeaders(answer);
    }
    for (TestServer.Response answer : List.of(problem, unauthenticated, stream)) {
      assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
    }
    assertThat(
            sandbox
                .nexus()
                .post("/sandbox/token", null, Map.of("email", "h@example.com"))
                .header("Cache-Control"))
        .isEqualTo("no-store");
    assertThat(page.header("Cache-Control")).isEqualTo("no-cache");
  }

  @Test
  void cors_theConfiguredOrigin_isAllowed_onAnswersProblemsAndPreflights_noOtherOriginIs() {
    String token = sandbox.nexus().token("cors@example.com", null, null);
    String[] preflight = {
      "Access-Control-Request-Method", "POST",
      "Access-Control-Request-Headers", "authorization, content-type, x-gemini-api-key"
    };

    TestServer.Response answer = sandbox.nexus().get("/api/me", token, "Origin", ORIGIN);
    TestServer.Response problem = sandbox.nexus().get("/api/me", null, "Origin", ORIGIN);
    TestServer.Response allowed =
        sandbox.nexus().send("OPTIONS", "/api/conversations", null, null, with(preflight, ORIGIN));
    TestServer.Response foreign =
        sandbox
            .nexus()
            .send(
                "OPTIONS",
                "/api/conversations",
                null,
                null,
                with(preflight, "https://evil.example"));
    TestServer.Response foreignAnswer =
        sandbox.nexus().get("/api/me", token, "Origin", "https://evil.example");

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.header("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
    assertThat(allValues(answer, "Vary")).contains("Origin");
    assertProblem(problem, 401, "unauthenticated");
    assertThat(problem.header("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
    assertThat(allowed.status()).isEqualTo(204);
    assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
    assertThat(allowed.header("Access-Control-Allow-Methods")).contains("POST", "DELETE", "PUT");
    assertThat(allowed.header("Access-Control-Allow-Headers"))
        .contains("Authorization", "Content-Type", "X-Gemini-Api-Key");
    assertThat(allowed.header("Access-Control-Max-Age")).isEqualTo("600");
    assertThat(allowed.header("Access-Control-Allow-Credentials")).isNull();
    for (TestServer.Response refused : List.of(foreign, foreignAnswer)) {
      assertThat(refused.header("Access-Control-Allow-Origin")).isNull();
      assertThat(refused.header("Access-Control-Allow-Methods")).isNull();
      assertThat(refused.header("Access-Control-Allow-Headers")).isNull();
    }
  }

  private static String allValues(TestServer.Response response, String name) {
    List<String> values = new ArrayList<>();
    response
        .headers()
        .forEach(
            (key, value) -> {
              if (key.equalsIgnoreCase(name)) {
                values.addAll(value);
              }
            });
    return String.join(", ", values);
  }

  private static String[] with(String[] headers, String origin) {
    List<String> all = new ArrayList<>(List.of(headers));
    all.add("Origin");
    all.add(origin);
    return all.toArray(new String[0]);
  }

  // ---- roles ----

  @Test
  void members_managersAndMembersMayNotAddChangeOrRemove_andNothingChanges() {
    String admin = sandbox.nexus().token("root@example.com", "org-guard-m", "admin");
    String manager = sandbox.nexus().token("lead@example.com", "org-guard-m", "manager");
    String member = sandbox.nexus().token("worker@example.com", "org-guard-m", "member");
    String before = sandbox.nexus().get("/api/organization/members", admin).json().toString();

    for (String caller : List.of(manager, member)) {
      assertProblem(
          sandbox
              .nexus()
              .post(
                  "/api/organization/members", caller, Map.of("user", "intruder", "role", "admin")),
          403,
          "forbidden");
      assertProblem(
          sandbox
              .nexus()
              .send(
                  "PUT",
                  "/api/organization/members/sandbox%7Cworker@example.com",
                  caller,
                  "{\"role\":\"admin\"}"),
          403,
          "forbidden");
      assertProblem(
          sandbox
              .nexus()
              .send("DELETE", "/api/organization/members/sandbox%7Croot@example.com", caller, null),
          403,
          "forbidden");
      assertProblem(sandbox.nexus().get("/api/organization/members", caller), 403, "forbidden");
    }

    JsonNode after = sandbox.nexus().get("/api/organization/members", admin).json();
    assertThat(after.toString()).isEqualTo(before).doesNotContain("intruder");
    assertThat(sandbox.nexus().get("/api/me", member).json().get("role").asText())
        .isEqualTo("member");
  }

  @Test
  void audit_anAdminReadsTheirOrganizationsLog_andVerifiesIt() {
    String admin = sandbox.nexus().token("auditor@example.com", "org-guard-audit", "admin");
    sandbox
        .nexus()
        .post("/api/organization/members", admin, Map.of("user", "temp-worker", "role", "member"));
    sandbox.nexus().token("outsider@example.com", "org-guard-elsewhere", "admin");

    TestServer.Response page = sandbox.nexus().get("/api/audit", admin);
    TestServer.Response verified = sandbox.nexus().get("/api/audit/verify", admin);

    assertThat(page.status()).isEqualTo(200);
    JsonNode records = page.json().get("records");
    assertThat(records).isNotEmpty();
    assertThat(records)
        .anySatisfy(
            r -> {
              assertThat(r.get("action").asText()).isEqualTo("member_changed");
              assertThat(r.get("target").asText()).isEqualTo("temp-worker");
              assertThat(r.get("actor").asText()).isEqualTo("sandbox|auditor@example.com");
              assertThat(r.get("details").get("role").asText()).isEqualTo("member");
            });
    assertThat(page.body()).doesNotContain("outsider@example.com");
    assertThat(verified.json().get("intact").asBoolean()).isTrue();
    assertThat(verified.json().get("checked").asInt()).isGreaterThanOrEqualTo(records.size());
  }

  // ---- approvals ----

  /** Parks one send in a conversation of its own and returns the approval's id. */
  private static String parkSend(String token, String text) {
    JsonNode turn =
        sandbox
            .nexus()
            .chat(
                token,
                sandbox.nexus().newConversation(token),
                "Send an email to test@example.com saying " + text);
    assertThat(turn.get("status").asText()).isEqualTo("awaiting_approval");
    return turn.get("pending").get(0).asText();
  }

  private static List<String> approvalIds(String token, String query) {
    TestServer.Response response = sandbox.nexus().get("/api/approvals" + query, token);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    response.json().get("approvals").forEach(a -> ids.add(a.get("id").asText()));
    return ids;
  }

  @Test
  void approvals_filterByStatus_pendingLeavesOutDecidedOnes_andAnUnknownStatusIs422() {
    String token = sandbox.nexus().token("filter@example.com", "org-guard-filter", "member");
    sandbox.nexus().connect(token, "gmail");
    String executed = parkSend(token, "one");
    String denied = parkSend(token, "two");
    String pending = parkSend(token, "three");
    sandbox.nexus().post("/api/approvals/" + executed + "/approve", token, null);
    sandbox.nexus().post("/api/approvals/" + denied + "/deny", token, null);

    assertThat(approvalIds(token, "?status=pending")).containsExactly(pending);
    assertThat(approvalIds(token, "")).containsExactly(pending);
    assertThat(approvalIds(token, "?status=executed")).containsExactly(executed);
    assertThat(approvalIds(token, "?status=denied")).containsExactly(denied);
    JsonNode listed =
        sandbox.nexus().get("/api/approvals?status=pending", token).json().get("approvals");
    assertThat(listed.get(0).get("status").asText()).isEqualTo("pending");
    assertThat(listed.get(0).at("/call/tool").asText()).isEqualTo("gmail_send");
    JsonNode bogus =
        assertProblem(
            sandbox.nexus().get("/api/approvals?status=bogus", token), 422, "invalid-value");
    assertThat(bogus.get("detail").asText()).contains("pending").doesNotContain("bogus");
  }

  @Test
  void decidingADecidedApproval_is409Conflict_andTheCallRunsOnce() {
    String token = sandbox.nexus().token("twice@example.com", "org-guard-twice", "member");
    sandbox.nexus().connect(token, "gmail");
    String executed = parkSend(token, "only once");
    String denied = parkSend(token, "never");
    assertThat(
            sandbox.nexus().post("/api/approvals/" + executed + "/approve", token, null).status())
        .isEqualTo(200);
    assertThat(sandbox.nexus().post("/api/approvals/" + denied + "/deny", token, null).status())
        .isEqualTo(200);
    long sends = sandbox.fakes().gmail().requestCount("messages.send");

    for (String approval : List.of(executed, denied)) {
      for (String decision : List.of("approve", "deny")) {
        String path = "/api/approvals/" + approval + "/" + decision;
        JsonNode conflict = assertProblem(sandbox.nexus().post(path, token, null), 409, "conflict");
        assertThat(conflict.get("instance").asText()).isEqualTo(path);
        assertThat(conflict.get("title").asText()).isEqualTo("Conflict");
      }
    }

    assertThat(sandbox.fakes().gmail().requestCount("messages.send")).isEqualTo(sends);
    assertThat(approvalIds(token, "?status=executed")).containsExactly(executed);
    assertThat(approvalIds(token, "?status=denied")).containsExactly(denied);
  }

  // ---- the OpenAPI document's claims ----

  @Test
  void decisionRoutes_areNotRateLimited_andDocumentEveryStatusTheyAnswer() {
    String ann = sandbox.nexus().token("quota@example.com", "org-guard-quota", "member");
    String bob = sandbox.nexus().token("peer@example.com", "org-guard-quota", "member");
    String stranger = sandbox.nexus().token("far@example.com", "org-guard-far", "admin");
    sandbox.nexus().connect(ann, "gmail");
    List<String> parked = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      parked.add(parkSend(ann, "number " + i));
    }
    String conversation = sandbox.nexus().newConversation(ann);
    String messages = "/api/conversations/" + conversation + "/messages";
    for (int i = parked.size(); i < TURNS_PER_USER; i++) {
      assertThat(sandbox.nexus().post(messages, ann, Map.of("text", "hi")).status()).isEqualTo(200);
    }
    assertProblem(sandbox.nexus().post(messages, ann, Map.of("text", "hi")), 429, "rate-limited");
    Map<String, Set<Integer>> answered =
        Map.of("approve", new TreeSet<>(), "deny", new TreeSet<>());

    String approve = "/api/approvals/" + parked.get(0) + "/approve";
    String deny = "/api/approvals/" + parked.get(1) + "/deny";
    for (String decision : List.of("approve", "deny")) {
      String path = decision.equals("approve") ? approve : deny;
      Set<Integer> statuses = answered.get(decision);
      statuses.add(sandbox.nexus().post(path, null, null).status());
      statuses.add(sandbox.nexus().post(path, stranger, null).status());
      statuses.add(sandbox.nexus().post(path, bob, null).status());
      statuses.add(
          sandbox.nexus().post(path, ann, null, "X-Gemini-Api-Key", "not a key!").status());
      statuses.add(sandbox.nexus().post(path, ann, null).status());
      statuses.add(sandbox.nexus().post(path, ann, null).status());
    }

    JsonNode paths = sandbox.nexus().get("/openapi.json", null).json().get("paths");
    for (String decision : List.of("approve", "deny")) {
      Set<Integer> documented = new TreeSet<>();
      paths
          .get("/api/approvals/{id}/" + decision)
          .get("post")
          .get("responses")
          .fieldNames()
          .forEachRemaining(code -> documented.add(Integer.parseInt(code)));
      assertThat(answered.get(decision)).containsExactly(200, 401, 403, 404, 409, 422);
      assertThat(documented).as(decision).containsAll(answered.get(decision)).doesNotContain(429);
    }
  }
}
