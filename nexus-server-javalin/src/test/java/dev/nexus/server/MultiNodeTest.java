package dev.nexus.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nexus.authz.NexusAuthorizationModel;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.testkit.openfga.FakeOpenFgaServer;
import dev.nexus.vault.DatabaseSettings;
import dev.nexus.vault.VaultDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Approvals and connect flows survive restarts and complete once across nodes: two servers on one
 * PostgreSQL and one OpenFGA store, and one server restarted on its own data directory.
 */
class MultiNodeTest {

  @TempDir Path data;

  private static String pendingSend(TestServer node, String token) {
    String conversation = node.newConversation(token);
    JsonNode turn = node.chat(token, conversation, "Send an email to test@example.com saying hi");
    assertThat(turn.get("status").asText()).isEqualTo("awaiting_approval");
    return turn.get("pending").get(0).asText();
  }

  private static int sentCount(TestServer node, SandboxServices fakes, String token) {
    String access = node.grant(token, ProviderId.GMAIL).accessToken().reveal();
    return fakes.gmail().mailbox(access).sent().size();
  }

  /**
   * The Gmail connection is started on one node and completed on the other (a replay is refused);
   * then a call parked on one node is approved on both at once.
   */
  @Test
  void twoNodes_callParkedOnOne_approvedOnBothAtOnce_runsExactlyOnce() throws Exception {
    try (SandboxServices fakes = SandboxServices.start(Clock.systemUTC());
        VaultDatabase database = VaultDatabase.embeddedTemporary();
        FakeOpenFgaServer openFga = FakeOpenFgaServer.start()) {
      String store = openFga.createStore("nexus");
      String model = openFga.writeModel(store, NexusAuthorizationModel.dsl());
      DatabaseSettings db = database.settings();
      Map<String, String> env = TestServer.sandboxEnv(data);
      env.put("NEXUS_DATABASE_URL", db.jdbcUrl());
      env.put("NEXUS_DATABASE_OWNER_USER", db.ownerUser());
      env.put("NEXUS_DATABASE_OWNER_PASSWORD", db.ownerPassword().reveal());
      env.put("NEXUS_DATABASE_USER", db.appUser());
      env.put("NEXUS_DATABASE_PASSWORD", db.appPassword().reveal());
      env.put("NEXUS_OPENFGA_API_URL", openFga.baseUrl());
      env.put("NEXUS_OPENFGA_STORE_ID", store);
      env.put("NEXUS_OPENFGA_MODEL_ID", model);
      // Both nodes stand behind one address, as behind a load balancer: the OAuth redirect URI
      // must be the same wherever the callback lands.
      env.put("NEXUS_PUBLIC_URL", "http://nexus.test");

      try (TestServer a = TestServer.start(env, fakes);
          TestServer b = TestServer.start(env, fakes)) {
        String token = a.token("grace@example.com", "acme", "member");
        String callback = a.consentCallback(token, "gmail");
        TestServer.Response connected = b.get(callback, null, "Accept", "application/json");
        assertThat(connected.status()).as(connected.body()).isEqualTo(200);
        TestServer.Response replayed = a.get(callback, null, "Accept", "application/json");
        assertThat(replayed.status()).isEqualTo(422);
        assertThat(replayed.json().get("detail").asText()).contains("already used");
        int before = sentCount(a, fakes, token);
        String approval = pendingSend(a, token);

        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<Integer>> answers = new ArrayList<>();
        try {
          for (int i = 0; i < 6; i++) {
            TestServer node = i % 2 == 0 ? a : b;
            Callable<Integer> approve =
                () -> node.post("/api/approvals/" + approval + "/approve", token, null).status();
            answers.add(pool.submit(approve));
          }
          List<Integer> statuses = new ArrayList<>();
          for (Future<Integer> answer : answers) {
            statuses.add(answer.get());
          }

          assertThat(statuses).containsOnly(200, 409);
          assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
        } finally {
          pool.shutdownNow();
        }
        assertThat(sentCount(b, fakes, token)).isEqualTo(before + 1);
        JsonNode seenOnB = b.get("/api/approvals?status=executed", token).json().get("approvals");
        assertThat(seenOnB).extracting(n -> n.get("id").asText()).contains(approval);
      }
    }
  }

  @Test
  void restart_pendingApprovalApprovedAfterwards_runsOnce() {
    try (SandboxServices fakes = SandboxServices.start(Clock.systemUTC())) {
      Map<String, String> env = TestServer.sandboxEnv(data);
      env.put("NEXUS_PUBLIC_URL", "http://nexus.test");
      String token;
      String approval;
      String notionCallback;
      int before;
      try (TestServer first = TestServer.start(env, fakes)) {
        token = first.token("linus@example.com", null, null);
        first.connect(token, "gmail");
        before = sentCount(first, fakes, token);
        approval = pendingSend(first, token);
        notionCallback = first.consentCallback(token, "notion");
      }

      try (TestServer second = TestServer.start(env, fakes)) {
        JsonNode pending = second.get("/api/approvals", token).json().get("approvals");
        assertThat(pending).extracting(n -> n.get("id").asText()).containsExactly(approval);

        TestServer.Response approved =
            second.post("/api/approvals/" + approval + "/approve", token, null);

        assertThat(approved.status()).isEqualTo(200);
        assertThat(approved.json().get("status").asText()).isEqualTo("completed");
        assertThat(sentCount(second, fakes, token)).isEqualTo(before + 1);
        assertThat(second.post("/api/approvals/" + approval + "/approve", token, null).status())
            .isEqualTo(409);

        TestServer.Response connected =
            second.get(notionCallback, null, "Accept", "application/json");
        assertThat(connected.status()).as(connected.body()).isEqualTo(200);
        JsonNode connections = second.get("/api/connections", token).json().get("connections");
        assertThat(connections)
            .filteredOn(c -> c.get("provider").asText().equals("notion"))
            .extracting(c -> c.get("status").asText())
            .containsExactly("connected");
      }
    }
  }
}
