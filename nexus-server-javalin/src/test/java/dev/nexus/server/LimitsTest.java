package dev.nexus.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nexus.testkit.model.ScriptedLanguageModel;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configured limits through HTTP: chat turns per organization, write calls per user and per
 * organization, and writes per turn. (Turns per user are in {@link HttpApiTest}.)
 */
class LimitsTest {

  @TempDir Path data;

  @Test
  void turnsPerOrganization_countEveryMemberTogether() {
    Map<String, String> env = TestServer.sandboxEnv(data);
    env.put("NEXUS_TURNS_PER_USER_PER_MINUTE", "100");
    env.put("NEXUS_TURNS_PER_ORG_PER_MINUTE", "3");
    try (SandboxServices fakes = SandboxServices.start(Clock.systemUTC());
        TestServer nexus = TestServer.start(env, fakes)) {
      String ann = nexus.token("ann@example.com", "org-limits", "admin");
      String bob = nexus.token("bob@example.com", "org-limits", "member");
      String other = nexus.token("eve@example.com", "org-other", "admin");
      String annChat = nexus.newConversation(ann);
      String bobChat = nexus.newConversation(bob);
      String otherChat = nexus.newConversation(other);

      List<Integer> statuses = new ArrayList<>();
      for (String[] turn : List.of(pair(ann, annChat), pair(bob, bobChat), pair(ann, annChat))) {
        statuses.add(say(nexus, turn[0], turn[1], "hi").status());
      }
      TestServer.Response fourth = say(nexus, bob, bobChat, "hi");

      assertThat(statuses).containsOnly(200);
      assertThat(fourth.status()).isEqualTo(429);
      assertThat(fourth.header("Retry-After")).matches("[1-9]\\d*");
      assertThat(fourth.json().get("detail").asText()).contains("organization");
      assertThat(say(nexus, other, otherChat, "hi").status())
          .as("another organization has its own bucket")
          .isEqualTo(200);
    }
  }

  @Test
  void writesPerUser_areRefusedToTheModel_andOthersStillWrite() {
    Map<String, String> env = TestServer.sandboxEnv(data);
    env.put("NEXUS_WRITES_PER_USER_PER_MINUTE", "2");
    env.put("NEXUS_WRITES_PER_ORG_PER_MINUTE", "3");
    try (SandboxServices fakes = SandboxServices.start(Clock.systemUTC());
        TestServer nexus = TestServer.start(env, fakes)) {
      String ann = nexus.token("ann@example.com", "org-writes", "admin");
      String bob = nexus.token("bob@example.com", "org-writes", "member");
      nexus.connect(ann, "gmail");
      nexus.connect(bob, "gmail");

      assertThat(send(nexus, ann).get("status").asText()).isEqualTo("awaiting_approval");
      assertThat(send(nexus, ann).get("status").asText()).isEqualTo("awaiting_approval");
      JsonNode third = send(nexus, ann);
      assertThat(third.get("pending")).isEmpty();
      assertThat(denial(third)).contains("too many changes").doesNotContain("organization");

      assertThat(send(nexus, bob).get("status").asText())
          .as("the user limit is per user")
          .isEqualTo("awaiting_approval");
      JsonNode orgFull = send(nexus, bob);
      assertThat(orgFull.get("pending")).isEmpty();
      assertThat(denial(orgFull)).contains("Your organization has proposed too many changes");
    }
  }

  @Test
  void writesPerTurn_pastTheLimitAreRefused_theRestPark() {
    Map<String, String> env = TestServer.sandboxEnv(data);
    env.put("NEXUS_MAX_WRITES_PER_TURN", "2");
    ScriptedLanguageModel model = new ScriptedLanguageModel();
    try (SandboxServices fakes = SandboxServices.start(Clock.systemUTC());
        TestServer nexus =
            TestServer.start(env, fakes, components -> components.withDefaultModel(model))) {
      String token = nexus.token("many@example.com", null, null);
      nexus.connect(token, "gmail");
      String conversation = nexus.newConversation(token);
      model.thenToolCalls(
          List.of(
              model.call("gmail_send", mail("one@example.com")),
              model.call("gmail_send", mail("two@example.com")),
              model.call("gmail_send", mail("three@example.com"))));

      JsonNode turn = nexus.chat(token, conversation, "Send three mails");

      assertThat(turn.get("status").asText()).isEqualTo("awaiting_approval");
      assertThat(turn.get("pending")).hasSize(2);
      assertThat(denial(turn)).contains("already proposed 2 calls that change something");
    }
  }

  private static Map<String, Object> mail(String to) {
    return Map.of("to", List.of(to), "body", "hello");
  }

  private static String[] pair(String token, String conversation) {
    return new String[] {token, conversation};
  }

  private static TestServer.Response say(
      TestServer nexus, String token, String conversation, String text) {
    return nexus.post(
        "/api/conversations/" + conversation + "/messages", token, Map.of("text", text));
  }

  /** One send proposed in a conversation of its own (a waiting conversation takes no message). */
  private static JsonNode send(TestServer nexus, String token) {
    String conversation = nexus.newConversation(token);
    return nexus.chat(token, conversation, "Send an email to test@example.com saying hello");
  }

  /** The reason of the turn's one refused call. */
  private static String denial(JsonNode turn) {
    List<String> reasons = new ArrayList<>();
    for (JsonNode event : turn.get("events")) {
      if (event.get("event").asText().equals("denied")) {
        reasons.add(event.get("data").toString());
      }
    }
    assertThat(reasons).hasSize(1);
    return reasons.get(0);
  }
}
