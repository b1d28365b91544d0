package dev.nexus.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.approval.ApprovalId;
import dev.nexus.core.approval.ApprovalStatus;
import dev.nexus.core.approval.ApprovalTransition;
import dev.nexus.core.audit.AuditAction;
import dev.nexus.core.audit.AuditQuery;
import dev.nexus.core.authorization.Capability;
import dev.nexus.core.conversation.ChatMessage;
import dev.nexus.core.conversation.ChatMessage.ToolResultMessage;
import dev.nexus.core.conversation.Conversation;
import dev.nexus.core.error.ConflictException;
import dev.nexus.core.identity.Principal;
import dev.nexus.core.tool.Parameter;
import dev.nexus.core.tool.ParameterSchema;
import dev.nexus.core.tool.RiskClass;
import dev.nexus.core.tool.Tool;
import dev.nexus.core.tool.ToolArguments;
import dev.nexus.core.tool.ToolContext;
import dev.nexus.core.tool.ToolResult;
import dev.nexus.core.tool.ToolSpec;
import dev.nexus.core.tool.Toolkit;
import dev.nexus.core.vault.OAuthProvider;
import dev.nexus.testkit.Fixtures;
import dev.nexus.testkit.memory.InMemoryApprovalStore;
import dev.nexus.testkit.memory.InMemoryAuditLog;
import dev.nexus.testkit.memory.InMemoryConversationStore;
import dev.nexus.testkit.memory.InMemoryTokenVault;
import dev.nexus.testkit.model.ScriptedLanguageModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What becomes of approved calls that a crash, a timeout or a slow provider cut off. */
class ApprovalRecoveryTest {

  private final Fixtures fx = Fixtures.inMemory();
  private final ScriptedLanguageModel model = new ScriptedLanguageModel();
  private final InMemoryConversationStore conversations = new InMemoryConversationStore();
  private final InMemoryApprovalStore approvals = new InMemoryApprovalStore();
  private final InMemoryAuditLog audit = new InMemoryAuditLog();
  private final SendToolkit toolkit = new SendToolkit();
  private final List<AgentEvent> events = new ArrayList<>();
  private final Principal alice = fx.member("acme", "alice");
  private AgentRuntime agent;

  @BeforeEach
  void setUp() {
    agent =
        AgentRuntime.builder()
            .model(model)
            .authorizer(fx.authorizer())
            .conversations(conversations)
            .approvals(approvals)
            .auditLog(audit)
            .tokenVault(new InMemoryTokenVault(fx.clock()))
            .toolkit(toolkit)
            .clock(fx.clock())
            .build();
  }

  private ApprovalId parkASend(Conversation conversation) {
    model.thenToolCall("send_mail", Map.of("to", "bob@acme.test", "body", "hi"));
    return agent.chat(alice, conversation.id(), "Send", events::add).pending().get(0);
  }

  /** Moves the approval to approved the way a node does just before it marks it executing. */
  private void approveWithoutStarting(ApprovalId id) {
    approvals.transition(
        alice.organization(),
        id,
        new ApprovalTransition(
            ApprovalStatus.PENDING,
            ApprovalStatus.APPROVED,
            alice.user(),
            fx.clock().instant(),
            null));
  }

  private List<ToolResultMessage> results(Conversation conversation) {
    List<ChatMessage> messages =
        conversations.find(alice.organization(), conversation.id()).orElseThrow().messages();
    return messages.stream()
        .filter(ToolResultMessage.class::isInstance)
        .map(ToolResultMessage.class::cast)
        .toList();
  }

  @Test
  void approvedButNeverStarted_isFailedBySweep_andNeverRuns() {
    Conversation conversation = agent.startConversation(alice, "t");
    ApprovalId id = parkASend(conversation);
    // A node approved the call and stopped before marking it as executing.
    approveWithoutStarting(id);
    fx.clock().advance(Duration.ofMinutes(6));

    int changed = agent.sweep(alice.organization());

    assertThat(changed).isEqualTo(1);
    assertThat(approvals.find(alice.organization(), id).orElseThrow().status())
        .isEqualTo(ApprovalStatus.FAILED);
    assertThat(toolkit.sends).hasValue(0);
    assertThat(results(conversation))
        .singleElement()
        .satisfies(r -> assertThat(r.result().content()).contains("did not run"));
    assertThat(audit.query(AuditQuery.first(alice.organization(), 100)))
        .extracting(r -> r.event().action())
        .contains(AuditAction.TOOL_CALL_FAILED);
    assertThatThrownBy(() -> agent.approve(alice, id, events::add))
        .isInstanceOf(ConflictException.class);
  }

  @Test
  void approvedAndStartingNow_isLeftAloneBySweep() {
    Conversation conversation = agent.startConversation(alice, "t");
    ApprovalId id = parkASend(conversation);
    approveWithoutStarting(id);

    int changed = agent.sweep(alice.organization());

    assertThat(changed).isZero();
    assertThat(approvals.find(alice.organization(), id).orElseThrow().status())
        .isEqualTo(ApprovalStatus.APPROVED);
  }

  @Test
  void conversationWaitingForAnExpiredCall_isSettledWhenOpened_andTakesNewMessages() {
    Conversation conversation = agent.startConversation(alice, "t");
    ApprovalId id = parkASend(conversation);
    fx.clock().advance(Duration.ofMinutes(16));

    Conversation opened = agent.conversation(alice, conversation.id());

    assertThat(opened.unansweredToolCalls()).isEmpty();
    assertThat(approvals.find(alice.organization(), id).orElseThrow().status())
        .isEqualTo(ApprovalStatus.EXPIRED);
    model.thenText("Fine.");
    assertThat(agent.chat(alice, conversation.id(), "Never mind", events::add).status())
        .isEqualTo(TurnStatus.COMPLETED);
    assertThat(toolkit.sends).hasValue(0);
  }

  @Test
  void callSweptAsUnknownWhileStillRunning_getsNoSecondAnswer() {
    Conversation conversation = agent.startConversation(alice, "t");
    ApprovalId id = parkASend(conversation);
    // The provider takes longer than the execution timeout; meanwhile another node sweeps.
    toolkit.onSend =
        () -> {
          fx.clock().advance(Duration.ofMinutes(6));
          agent.sweep(alice.organization());
          return ToolResult.success("Sent to bob@acme.test");
        };

    TurnResult result = agent.approve(alice, id, events::add);

    assertThat(result.status()).isEqualTo(TurnStatus.FAILED);
    assertThat(result.text()).contains("unknown outcome").contains("executed");
    assertThat(toolkit.sends).hasValue(1);
    assertThat(approvals.find(alice.organization(), id).orElseThrow().status())
        .isEqualTo(ApprovalStatus.OUTCOME_UNKNOWN);
    assertThat(results(conversation))
        .singleElement()
        .satisfies(
            r -> assertThat(r.result().status()).isEqualTo(ToolResult.Status.OUTCOME_UNKNOWN));
  }

  /** One write tool, {@code send_mail}, whose behaviour a test can replace. */
  private static final class SendToolkit implements Toolkit {
    final AtomicInteger sends = new AtomicInteger();
    volatile Supplier<ToolResult> onSend = () -> ToolResult.success("Sent");

    private final Tool send =
        new Tool() {
          @Override
          public ToolSpec spec() {
            return new ToolSpec(
                "send_mail",
                "Sends a mail.",
                ParameterSchema.of(
                    Parameter.requiredString("to", "Recipient"),
                    Parameter.requiredString("body", "Text")),
                Capability.SEND_MAIL,
                RiskClass.WRITE);
          }

          @Override
          public ToolResult execute(ToolContext context, ToolArguments arguments) {
            sends.incrementAndGet();
            return onSend.get();
          }
        };

    @Override
    public String name() {
      return "send";
    }

    @Override
    public List<Tool> tools() {
      return List.of(send);
    }

    @Override
    public Optional<OAuthProvider> oauthProvider() {
      return Optional.empty();
    }
  }
}
