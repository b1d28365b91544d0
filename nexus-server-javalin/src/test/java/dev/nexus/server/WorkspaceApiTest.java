package dev.nexus.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nexus.authz.auth0.PersonalOrganizations;
import dev.nexus.core.identity.UserId;
import dev.nexus.testkit.gmail.FakeGmailServer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The workspace a person sees, answer by answer: their sandbox token, who they are ({@code
 * /api/me}), their conversations and what a conversation holds after a turn.
 */
class WorkspaceApiTest {

  @RegisterExtension static final SandboxExtension sandbox = new SandboxExtension();

  private static JsonNode claims(String jwt) throws Exception {
    String[] parts = jwt.split("\\.");
    assertThat(parts).hasSize(3);
    return TestServer.JSON.readTree(
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
  }

  private static Map<String, JsonNode> byField(JsonNode array, String field) {
    Map<String, JsonNode> items = new HashMap<>();
    array.forEach(item -> items.put(item.get(field).asText(), item));
    return items;
  }

  @Test
  void sandboxToken_isABearerTokenForAnHour_signedForTheUser() throws Exception {
    TestServer.Response response =
        sandbox.nexus().post("/sandbox/token", null, Map.of("email", "Tok@Example.com"));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.contentType()).startsWith("application/json");
    JsonNode body = response.json();
    List<String> fields = new ArrayList<>();
    body.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactlyInAnyOrder("access_token", "token_type", "expires_in");
    assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
    long expiresIn = body.get("expires_in").asLong();
    assertThat(expiresIn).isPositive();
    JsonNode claims = claims(body.get("access_token").asText());
    assertThat(claims.get("sub").asText()).isEqualTo("sandbox|tok@example.com");
    assertThat(claims.get("iss").asText()).isEqualTo(sandbox.fakes().auth0().issuer());
    assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(expiresIn);
    assertThat(claims.get("exp").asLong()).isGreaterThan(Instant.now().getEpochSecond());
    assertThat(claims.has("org_id")).isFalse();
    assertThat(sandbox.nexus().get("/api/me", body.get("access_token").asText()).status())
        .isEqualTo(200);
  }

  @Test
  void withoutOrganization_theUserIsAdminOfTheirOwnPersonalWorkspace() {
    String token = sandbox.nexus().token("solo@example.com", null, null);

    JsonNode me = sandbox.nexus().get("/api/me", token).json();

    String personal = PersonalOrganizations.idFor(UserId.of("sandbox|solo@example.com")).value();
    assertThat(me.get("user").asText()).isEqualTo("sandbox|solo@example.com");
    assertThat(me.get("organization").asText()).isEqualTo(personal).startsWith("personal-");
    assertThat(me.get("role").asText()).isEqualTo("admin");
    JsonNode members =
        sandbox.nexus().get("/api/organization/members", token).json().get("members");
    assertThat(members).hasSize(1);
    assertThat(members.get(0).get("user").asText()).isEqualTo("sandbox|solo@example.com");
    assertThat(members.get(0).get("role").asText()).isEqualTo("admin");
    String again = sandbox.nexus().token("solo@example.com", null, null);
    assertThat(sandbox.nexus().get("/api/me", again).json().get("organization").asText())
        .isEqualTo(personal);
    String other = sandbox.nexus().token("duo@example.com", null, null);
    assertThat(sandbox.nexus().get("/api/me", other).json().get("organization").asText())
        .startsWith("personal-")
        .isNotEqualTo(personal);
  }

  @Test
  void withOrganization_theUserHoldsTheRoleAskedFor_memberWhenNoneIsAsked() {
    String member = sandbox.nexus().token("plain@example.com", "org-ws-roles", null);
    String manager = sandbox.nexus().token("lead@example.com", "org-ws-roles", "manager");

    JsonNode asMember = sandbox.nexus().get("/api/me", member).json();
    JsonNode asManager = sandbox.nexus().get("/api/me", manager).json();

    assertThat(asMember.get("organization").asText()).isEqualTo("org-ws-roles");
    assertThat(asMember.get("role").asText()).isEqualTo("member");
    assertThat(asManager.get("organization").asText()).isEqualTo("org-ws-roles");
    assertThat(asManager.get("role").asText()).isEqualTo("manager");
  }

  @Test
  void me_listsEveryProvider_connectedOnesWithAccountAndScopes() {
    String token = sandbox.nexus().token("wired@example.com", null, null);
    JsonNode before = sandbox.nexus().get("/api/me", token).json().get("connections");
    sandbox.nexus().connect(token, "gmail");

    Map<String, JsonNode> after =
        byField(sandbox.nexus().get("/api/me", token).json().get("connections"), "provider");

    assertThat(byField(before, "provider").keySet()).containsExactlyInAnyOrder("gmail", "notion");
    before.forEach(c -> assertThat(c.get("status").asText()).isEqualTo("not_connected"));
    JsonNode gmail = after.get("gmail");
    assertThat(gmail.get("status").asText()).isEqualTo("connected");
    assertThat(gmail.get("account").asText()).isEqualTo("wired@example.com");
    assertThat(gmail.get("scopes"))
        .extracting(JsonNode::asText)
        .contains(FakeGmailServer.SCOPE_READONLY, FakeGmailServer.SCOPE_SEND);
    assertThat(Instant.parse(gmail.get("updated_at").asText())).isBefore(Instant.now());
    assertThat(after.get("notion").get("status").asText()).isEqualTo("not_connected");
    assertThat(after.get("notion").get("scopes")).isEmpty();
  }

  @Test
  void conversations_listsTheCallersOwnOnly_withTitlesAndMessageCounts() {
    String ann = sandbox.nexus().token("ann@example.com", "org-ws-conv", "member");
    String bob = sandbox.nexus().token("bob@example.com", "org-ws-conv", "admin");
    String eve = sandbox.nexus().token("eve@example.com", "org-ws-elsewhere", "admin");
    String first = created(ann, "First");
    String second = created(ann, "Second");
    String bobs = created(bob, "First");
    String eves = created(eve, "First");
    sandbox.nexus().chat(ann, first, "hello");

    Map<String, JsonNode> annSees = listed(ann);

    assertThat(annSees.keySet()).containsExactlyInAnyOrder(first, second);
    assertThat(annSees.get(first).get("title").asText()).isEqualTo("First");
    assertThat(annSees.get(first).get("messages").asInt()).isEqualTo(2);
    assertThat(annSees.get(second).get("title").asText()).isEqualTo("Second");
    assertThat(annSees.get(second).get("messages").asInt()).isZero();
    assertThat(Instant.parse(annSees.get(second).get("created_at").asText()))
        .isBefore(Instant.now());
    assertThat(listed(bob).keySet()).containsExactly(bobs);
    assertThat(listed(eve).keySet()).containsExactly(eves);
    assertThat(sandbox.nexus().get("/api/conversations/" + first, bob).status())
        .as("an admin of the organization does not read a member's conversation")
        .isEqualTo(404);
  }

  private static String created(String token, String title) {
    TestServer.Response response =
        sandbox.nexus().post("/api/conversations", token, Map.of("title", title));
    assertThat(response.status()).isEqualTo(201);
    assertThat(response.json().get("title").asText()).isEqualTo(title);
    return response.json().get("id").asText();
  }

  private static Map<String, JsonNode> listed(String token) {
    TestServer.Response response = sandbox.nexus().get("/api/conversations", token);
    assertThat(response.status()).isEqualTo(200);
    return byField(response.json().get("conversations"), "id");
  }

  @Test
  void conversation_afterAParkedSend_holdsTheMessages_theToolCallAndItsApproval() {
    String token = sandbox.nexus().token("holder@example.com", "org-ws-hold", "member");
    JsonNode me = sandbox.nexus().get("/api/me", token).json();
    sandbox.nexus().connect(token, "gmail");
    String conversation = sandbox.nexus().newConversation(token);
    String said = "Send an email to test@example.com saying the minutes are ready";
    String approval =
        sandbox.nexus().chat(token, conversation, said).get("pending").get(0).asText();

    JsonNode parked = sandbox.nexus().get("/api/conversations/" + conversation, token).json();

    assertThat(parked.get("id").asText()).isEqualTo(conversation);
    assertThat(parked.get("title").asText()).isEqualTo("test");
    JsonNode messages = parked.get("messages");
    assertThat(messages).hasSize(2);
    assertThat(messages.get(0).get("role").asText()).isEqualTo("user");
    assertThat(messages.get(0).get("text").asText()).isEqualTo(said);
    assertThat(messages.get(1).get("role").asText()).isEqualTo("assistant");
    JsonNode call = messages.get(1).get("tool_calls").get(0);
    assertThat(messages.get(1).get("tool_calls")).hasSize(1);
    assertThat(call.get("tool").asText()).isEqualTo("gmail_send");
    assertThat(call.at("/arguments/to/0").asText()).isEqualTo("test@example.com");
    assertThat(call.at("/arguments/body").asText()).contains("the minutes are ready");
    JsonNode approvals = parked.get("approvals");
    assertThat(approvals).hasSize(1);
    assertThat(approvals.get(0).get("id").asText()).isEqualTo(approval);
    assertThat(approvals.get(0).get("status").asText()).isEqualTo("pending");
    assertThat(approvals.get(0).get("requester").asText()).isEqualTo(me.get("user").asText());
    assertThat(approvals.get(0).get("conversation").asText()).isEqualTo(conversation);
    assertThat(approvals.get(0).get("call")).isEqualTo(call);

    sandbox.nexus().post("/api/approvals/" + approval + "/approve", token, null);
    JsonNode decided = sandbox.nexus().get("/api/conversations/" + conversation, token).json();

    JsonNode result = decided.get("messages").get(2);
    assertThat(result.get("role").asText()).isEqualTo("tool");
    assertThat(result.get("id").asText()).isEqualTo(call.get("id").asText());
    assertThat(result.get("tool").asText()).isEqualTo("gmail_send");
    assertThat(result.get("status").asText()).isEqualTo("success");
    JsonNode last = decided.get("messages").get(decided.get("messages").size() - 1);
    assertThat(last.get("role").asText()).isEqualTo("assistant");
    assertThat(last.get("text").asText()).isNotBlank();
    JsonNode executed = decided.get("approvals").get(0);
    assertThat(executed.get("status").asText()).isEqualTo("executed");
    assertThat(executed.get("decided_by").asText()).isEqualTo(me.get("user").asText());
    assertThat(executed.get("outcome").asText()).isEqualTo("executed");
  }
}
