package dev.nexus.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.core.approval.ApprovalId;
import dev.nexus.core.approval.ApprovalStatus;
import dev.nexus.core.conversation.Conversation;
import dev.nexus.core.error.ConflictException;
import dev.nexus.core.identity.Principal;
import dev.nexus.core.model.ModelResponse;
import dev.nexus.testkit.Fixtures;
import dev.nexus.testkit.memory.InMemoryApprovalStore;
import dev.nexus.testkit.memory.InMemoryAuditLog;
import dev.nexus.testkit.memory.InMemoryConversationStore;
import dev.nexus.testkit.memory.InMemoryTokenVault;
import dev.nexus.testkit.model.ScriptedLanguageModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ApprovalRaceTest {

  private static final int ROUNDS = 1_000;
  private static final int APPROVERS = 8;

  @Test
  void racingApprovals_neverExecuteACallTwice() throws Exception {
    Fixtures fx = Fixtures.inMemory();
    Principal alice = fx.member("acme", "alice");
    Principal maria = fx.manager("acme", "maria");
    TestToolkit toolkit = new TestToolkit();
    InMemoryApprovalStore approvals = new InMemoryApprovalStore();
    // Every model call proposes a send until the turn is resumed, then answers with text.
    ScriptedLanguageModel model = new ScriptedLanguageModel();
    AgentRuntime agent =
        AgentRuntime.builder()
            .model(
                (request, deltas) ->
                    request.messages().get(request.messages().size() - 1)
                            instanceof dev.nexus.core.conversation.ChatMessage.UserMessage
                        ? ModelResponse.toolCalls(
                            List.of(model.call("send_mail", Map.of("to", "b@x.test", "body", "x"))))
                        : ModelResponse.text("sent"))
            .authorizer(fx.authorizer())
            .conversations(new InMemoryConversationStore())
            .approvals(approvals)
            .auditLog(new InMemoryAuditLog())
            .tokenVault(new InMemoryTokenVault(fx.clock()))
            .toolkit(toolkit)
            .clock(fx.clock())
            .build();
    ExecutorService pool = Executors.newFixedThreadPool(APPROVERS);
    AtomicInteger conflicts = new AtomicInteger();

    try {
      for (int round = 0; round < ROUNDS; round++) {
        Conversation conversation = agent.startConversation(alice, "race " + round);
        ApprovalId id = agent.chat(alice, conversation.id(), "send", e -> {}).pending().get(0);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < APPROVERS; t++) {
          Principal approver = t % 2 == 0 ? alice : maria;
          futures.add(
              pool.submit(
                  () -> {
                    start.await();
                    try {
                      agent.approve(approver, id, e -> {});
                    } catch (ConflictException e) {
                      conflicts.incrementAndGet();
                    }
                    return null;
                  }));
        }
        start.countDown();
        for (Future<?> future : futures) {
          future.get();
        }

        assertThat(toolkit.sends).hasValue(round + 1);
        assertThat(approvals.find(alice.organization(), id).orElseThrow().status())
            .isEqualTo(ApprovalStatus.EXECUTED);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(toolkit.sends).hasValue(ROUNDS);
    assertThat(conflicts).hasValue(ROUNDS * (APPROVERS - 1));
  }
}
