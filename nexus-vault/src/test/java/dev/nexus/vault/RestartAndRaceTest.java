package dev.nexus.vault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.core.approval.Approval;
import dev.nexus.core.approval.ApprovalStatus;
import dev.nexus.core.approval.ApprovalTransition;
import dev.nexus.core.conversation.ChatMessage;
import dev.nexus.core.conversation.ChatMessage.AssistantMessage;
import dev.nexus.core.conversation.ChatMessage.ToolResultMessage;
import dev.nexus.core.conversation.ChatMessage.UserMessage;
import dev.nexus.core.conversation.Conversation;
import dev.nexus.core.conversation.ConversationId;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.tool.RiskClass;
import dev.nexus.core.tool.ToolCall;
import dev.nexus.core.tool.ToolCallId;
import dev.nexus.core.tool.ToolResult;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What survives a restart and what holds across processes: each "process" here is its own
 * connection pool on the shared database, and a "restart" is a new pool with new adapters.
 */
class RestartAndRaceTest {

  private static VaultDatabase otherProcess;

  @BeforeAll
  static void open() {
    otherProcess = VaultDatabase.connect(SharedDatabase.get().settings());
  }

  @AfterAll
  static void close() {
    otherProcess.close();
  }

  @Test
  void approval_racingApproversInTwoProcesses_exactlyOneWinsEveryRound() throws Exception {
    // given
    JdbiApprovalStore here = new JdbiApprovalStore(SharedDatabase.get().jdbi());
    JdbiApprovalStore there = new JdbiApprovalStore(otherProcess.jdbi());
    OrganizationId organization = SharedDatabase.freshOrganization();
    int racers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    try {
      for (int round = 0; round < 30; round++) {
        Approval approval = pending(organization, Instant.now());
        here.create(approval);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Optional<Approval>>> results = new ArrayList<>();

        // when
        for (int i = 0; i < racers; i++) {
          JdbiApprovalStore store = i % 2 == 0 ? here : there;
          UserId approver = UserId.of("manager-" + i);
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    return store.transition(
                        organization,
                        approval.id(),
                        new ApprovalTransition(
                            ApprovalStatus.PENDING,
                            ApprovalStatus.APPROVED,
                            approver,
                            Instant.now(),
                            null));
                  }));
        }
        start.countDown();
        int winners = 0;
        for (Future<Optional<Approval>> result : results) {
          winners += result.get().isPresent() ? 1 : 0;
        }

        // then
        assertThat(winners).as("round %d", round).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void approval_executingBeforeACrash_staysExecutingAndIsNeverStartedAgain() {
    // given: an approved call marked executing, then the process dies
    OrganizationId organization = SharedDatabase.freshOrganization();
    JdbiApprovalStore before = new JdbiApprovalStore(SharedDatabase.get().jdbi());
    Approval approval = pending(organization, Instant.now());
    before.create(approval);
    before.transition(
        organization, approval.id(), move(ApprovalStatus.PENDING, ApprovalStatus.APPROVED));
    before.transition(
        organization, approval.id(), move(ApprovalStatus.APPROVED, ApprovalStatus.EXECUTING));

    // when: another process starts and looks
    JdbiApprovalStore after = new JdbiApprovalStore(otherProcess.jdbi());
    List<Approval> executing = after.list(organization, ApprovalStatus.EXECUTING);
    Optional<Approval> startedAgain =
        after.transition(
            organization, approval.id(), move(ApprovalStatus.APPROVED, ApprovalStatus.EXECUTING));
    Optional<Approval> resolved =
        after.transition(
            organization,
            approval.id(),
            new ApprovalTransition(
                ApprovalStatus.EXECUTING,
                ApprovalStatus.OUTCOME_UNKNOWN,
                null,
                Instant.now(),
                "the process stopped while the call was running"));

    // then
    assertThat(executing).extracting(Approval::id).containsExactly(approval.id());
    assertThat(executing.get(0).call()).isEqualTo(approval.call());
    assertThat(startedAgain).isEmpty();
    assertThat(resolved.orElseThrow().status()).isEqualTo(ApprovalStatus.OUTCOME_UNKNOWN);
    assertThat(resolved.orElseThrow().outcome()).contains("stopped");
  }

  @Test
  void conversation_pausedTurn_readsBackWholeAfterARestart() {
    // given: a turn paused with one tool call answered and one waiting for approval
    OrganizationId organization = SharedDatabase.freshOrganization();
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("to", "zoë@example.test");
    arguments.put("subject", "Quartalsbericht – Q3 \"final\"");
    arguments.put("count", 3L);
    arguments.put("ratio", 0.25);
    arguments.put("small", 7);
    arguments.put("amount", new BigDecimal("12345678901234567890.123456789"));
    arguments.put("urgent", true);
    arguments.put("cc", List.of("a@example.test", "b@example.test"));
    arguments.put("meta", Map.of("nested/key~", List.of(1, 2L, Map.of("deep", 1.5f))));
    ToolCall search =
        new ToolCall(ToolCallId.random(), "gmail_search", Map.of("query", "is:unread"));
    ToolCall send = new ToolCall(ToolCallId.random(), "gmail_send", arguments);
    List<ChatMessage> messages =
        List.of(
            new UserMessage("Send the report to Zoë"),
            new AssistantMessage("Let me check first.", List.of(search, send)),
            new ToolResultMessage(
                search.id(), "gmail_search", ToolResult.error("the mailbox is not connected")));
    Conversation conversation =
        new Conversation(
            ConversationId.random(),
            organization,
            UserId.of("alice"),
            "Report",
            Instant.now(),
            messages.subList(0, 1));
    JdbiConversationStore before = new JdbiConversationStore(SharedDatabase.get().jdbi());
    before.create(conversation);
    before.append(organization, conversation.id(), messages.subList(1, 3));

    // when
    Conversation restored =
        new JdbiConversationStore(otherProcess.jdbi())
            .find(organization, conversation.id())
            .orElseThrow();

    // then
    assertThat(restored.messages()).isEqualTo(messages);
    assertThat(restored.unansweredToolCalls()).containsExactly(send);
    ToolCall storedSend = restored.unansweredToolCalls().get(0);
    assertThat(storedSend.arguments().get("count")).isInstanceOf(Long.class);
    assertThat(storedSend.arguments().get("small")).isInstanceOf(Integer.class);
    assertThat(storedSend.arguments().get("amount"))
        .isEqualTo(new BigDecimal("12345678901234567890.123456789"));
    assertThat(storedSend.arguments().keySet()).containsExactlyElementsOf(arguments.keySet());
    assertThat(restored.createdAt()).isEqualTo(conversation.createdAt());
    assertThat(((ToolResultMessage) restored.messages().get(2)).result().status())
        .isEqualTo(ToolResult.Status.ERROR);
  }

  private static Approval pending(OrganizationId organization, Instant now) {
    return Approval.pending(
        organization,
        ConversationId.random(),
        UserId.of("alice"),
        Role.MEMBER,
        new ToolCall(ToolCallId.random(), "gmail_send", Map.of("to", "bob@example.test")),
        RiskClass.WRITE,
        now,
        now.plus(Duration.ofMinutes(15)));
  }

  private static ApprovalTransition move(ApprovalStatus from, ApprovalStatus to) {
    return new ApprovalTransition(from, to, UserId.of("manager"), Instant.now(), null);
  }
}
