package dev.nexus.agent.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.agent.AgentEvent;
import dev.nexus.agent.AgentEvent.ApprovalRequired;
import dev.nexus.agent.AgentEvent.TextDelta;
import dev.nexus.agent.AgentEvent.ToolResultReady;
import dev.nexus.agent.AgentRuntime;
import dev.nexus.agent.TurnResult;
import dev.nexus.agent.TurnStatus;
import dev.nexus.core.approval.Approval;
import dev.nexus.core.conversation.Conversation;
import dev.nexus.core.identity.Principal;
import dev.nexus.core.tool.Tool;
import dev.nexus.core.tool.ToolArguments;
import dev.nexus.core.tool.ToolCall;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The offline model driven by the real {@link AgentRuntime} over the in-memory adapters, with a
 * small toolkit whose tools carry the connector names: the same guard and approvals as Gemini.
 */
class OfflineSandboxRuntimeTest {

  private final Fixtures fx = Fixtures.inMemory();
  private final InMemoryApprovalStore approvals = new InMemoryApprovalStore();
  private final SandboxToolkit toolkit = new SandboxToolkit();
  private final List<AgentEvent> events = new ArrayList<>();
  private AgentRuntime agent;
  private Principal alice;

  @BeforeEach
  void setUp() {
    agent =
        AgentRuntime.builder()
            .model(new OfflineSandboxModel())
            .authorizer(fx.authorizer())
            .conversations(new InMemoryConversationStore())
            .approvals(approvals)
            .auditLog(new InMemoryAuditLog())
            .tokenVault(new InMemoryTokenVault(fx.clock()))
            .toolkit(toolkit)
            .clock(fx.clock())
            .build();
    alice = fx.member("acme", "alice");
  }

  @Test
  void summarize_readsAtOnce_thenParksThePageForApproval_andConfirmsAfterApproval() {
    Conversation conversation = agent.startConversation(alice, "digest");

    TurnResult parked =
        agent.chat(
            alice,
            conversation.id(),
            "Summarize my latest 2 emails into a Notion page called 'Inbox digest'",
            events::add);

    assertThat(parked.status()).isEqualTo(TurnStatus.AWAITING_APPROVAL);
    assertThat(toolkit.executed).containsExactly("gmail_read_latest");
    assertThat(events)
        .filteredOn(ToolResultReady.class::isInstance)
        .extracting(e -> ((ToolResultReady) e).toolName())
        .containsExactly("gmail_read_latest");
    Approval approval = approvals.find(alice.organization(), parked.pending().get(0)).orElseThrow();
    ToolCall call = approval.call();
    assertThat(call.toolName()).isEqualTo("notion_create_page");
    assertThat(call.args().string("title")).isEqualTo("Inbox digest");
    assertThat(call.args().string("content"))
        .isEqualTo(
            "Summary of your latest 2 emails:\n\n"
                + "- Lunch? (from Ana Lima)\n"
                + "- Invoice 42 (from billing@vendor.test)");
    assertThat(events).filteredOn(ApprovalRequired.class::isInstance).hasSize(1);

    events.clear();
    TurnResult done = agent.approve(alice, approval.id(), events::add);

    assertThat(done.status()).isEqualTo(TurnStatus.COMPLETED);
    assertThat(done.text())
        .isEqualTo("I summarized your latest 2 emails into the Notion page \"Inbox digest\".");
    assertThat(toolkit.executed).containsExactly("gmail_read_latest", "notion_create_page");
  }

  @Test
  void send_parks_andADenialIsReportedWithoutSending() {
    Conversation conversation = agent.startConversation(alice, "send");
    TurnResult parked =
        agent.chat(
            alice, conversation.id(), "Send an email to test@example.com saying hello", e -> {});

    TurnResult denied = agent.deny(alice, parked.pending().get(0), e -> {});

    assertThat(parked.status()).isEqualTo(TurnStatus.AWAITING_APPROVAL);
    assertThat(denied.status()).isEqualTo(TurnStatus.COMPLETED);
    assertThat(denied.text())
        .isEqualTo("The email to test@example.com was not sent, because you declined it.");
    assertThat(toolkit.executed).isEmpty();
  }

  @Test
  void send_approved_runsOnce_andSaysItWasSent() {
    Conversation conversation = agent.startConversation(alice, "send");
    TurnResult parked =
        agent.chat(
            alice, conversation.id(), "Send an email to test@example.com saying hello", e -> {});

    TurnResult sent = agent.approve(alice, parked.pending().get(0), e -> {});

    assertThat(sent.text()).isEqualTo("The email to test@example.com was sent.");
    assertThat(toolkit.executed).containsExactly("gmail_send");
  }

  @Test
  void readLatest_completesInOneTurn_streamingItsAnswer() {
    Conversation conversation = agent.startConversation(alice, "read");

    TurnResult result =
        agent.chat(alice, conversation.id(), "Read my latest 2 emails", events::add);

    assertThat(result.status()).isEqualTo(TurnStatus.COMPLETED);
    assertThat(result.text()).startsWith("Here are your 2 latest emails:");
    String streamed =
        events.stream()
            .filter(TextDelta.class::isInstance)
            .map(e -> ((TextDelta) e).text())
            .reduce("", String::concat);
    assertThat(streamed).isEqualTo(result.text());
  }

  @Test
  void guest_cannotSend_soTheModelSaysTheToolIsNotAvailable() {
    Principal guest = fx.guest("acme", "gus");
    Conversation conversation = agent.startConversation(guest, "send");

    TurnResult result =
        agent.chat(guest, conversation.id(), "send an email to a@b.test saying hi", e -> {});

    assertThat(result.status()).isEqualTo(TurnStatus.COMPLETED);
    assertThat(result.text()).contains("gmail_send is not available");
    assertThat(toolkit.executed).isEmpty();
  }

  /** In-process tools with the connector names, recording what ran. */
  private static final class SandboxToolkit implements Toolkit {

    final List<String> executed = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "sandbox";
    }

    @Override
    public List<Tool> tools() {
      return List.of(
          tool(
              SandboxToolSpecs.GMAIL_READ_LATEST,
              args ->
                  ToolResult.success(
                      SandboxToolSpecs.gmailList(
                          "Ana Lima <ana@acme.test>", "Lunch?",
                          "billing@vendor.test", "Invoice 42"))),
          tool(
              SandboxToolSpecs.GMAIL_SEND,
              args -> ToolResult.success("Sent message m-9 to " + args.stringList("to") + ".")),
          tool(
              SandboxToolSpecs.NOTION_CREATE_PAGE,
              args ->
                  ToolResult.success(
                      "Created page \"" + args.string("title") + "\" (page id: p-1).")));
    }

    @Override
    public Optional<OAuthProvider> oauthProvider() {
      return Optional.empty();
    }

    private Tool tool(ToolSpec spec, Function<ToolArguments, ToolResult> body) {
      return new Tool() {
        @Override
        public ToolSpec spec() {
          return spec;
        }

        @Override
        public ToolResult execute(ToolContext context, ToolArguments arguments) {
          executed.add(spec.name());
          return body.apply(arguments);
        }
      };
    }
  }
}
