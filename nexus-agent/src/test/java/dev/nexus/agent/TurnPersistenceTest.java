package dev.nexus.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.approval.Approval;
import dev.nexus.core.approval.ApprovalId;
import dev.nexus.core.approval.ApprovalStatus;
import dev.nexus.core.approval.ApprovalStore;
import dev.nexus.core.approval.ApprovalTransition;
import dev.nexus.core.audit.AuditEvent;
import dev.nexus.core.audit.AuditLog;
import dev.nexus.core.audit.AuditQuery;
import dev.nexus.core.audit.AuditRecord;
import dev.nexus.core.audit.ChainVerification;
import dev.nexus.core.conversation.ChatMessage;
import dev.nexus.core.conversation.ChatMessage.AssistantMessage;
import dev.nexus.core.conversation.ChatMessage.UserMessage;
import dev.nexus.core.conversation.Conversation;
import dev.nexus.core.conversation.ConversationId;
import dev.nexus.core.conversation.ConversationStore;
import dev.nexus.core.conversation.ConversationSummary;
import dev.nexus.core.error.ConflictException;
import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.error.NotFoundException;
import dev.nexus.core.error.RetriableException;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Principal;
import dev.nexus.core.identity.UserId;
import dev.nexus.testkit.Fixtures;
import dev.nexus.testkit.memory.InMemoryApprovalStore;
import dev.nexus.testkit.memory.InMemoryAuditLog;
import dev.nexus.testkit.memory.InMemoryConversationStore;
import dev.nexus.testkit.memory.InMemoryTokenVault;
import dev.nexus.testkit.model.ScriptedLanguageModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** How a turn reads and writes its conversation: once each, and never losing what it said. */
class TurnPersistenceTest {

  private final Fixtures fx = Fixtures.inMemory();
  private final ScriptedLanguageModel model = new ScriptedLanguageModel();
  private final CountingConversations conversations = new CountingConversations();
  private final List<AgentEvent> events = new ArrayList<>();
  private final Principal alice = fx.member("acme", "alice");

  private AgentRuntime runtime(ApprovalStore approvals, AuditLog audit) {
    return AgentRuntime.builder()
        .model(model)
        .authorizer(fx.authorizer())
        .conversations(conversations)
        .approvals(approvals)
        .auditLog(audit)
        .tokenVault(new InMemoryTokenVault(fx.clock()))
        .toolkit(new TestToolkit())
        .clock(fx.clock())
        .build();
  }

  private AgentRuntime runtime() {
    return runtime(new InMemoryApprovalStore(), new InMemoryAuditLog());
  }

  @Test
  void readTurn_readsTheConversationOnce_andStoresItsMessagesInOneAppendInOrder() {
    AgentRuntime agent = runtime();
    Conversation conversation = agent.startConversation(alice, "t");
    model.thenToolCall("read_mail", Map.of("count", 2)).thenText("Two mails.");
    conversations.reset();

    TurnResult result = agent.chat(alice, conversation.id(), "Read my mail", events::add);

    assertThat(result.status()).isEqualTo(TurnStatus.COMPLETED);
    assertThat(conversations.finds).isEqualTo(1);
    assertThat(conversations.appends).isEqualTo(1);
    assertThat(stored(conversation.id()))
        .extracting(m -> m.getClass().getSimpleName())
        .containsExactly(
            "UserMessage", "AssistantMessage", "ToolResultMessage", "AssistantMessage");
  }

  @Test
  void parkedCall_isInTheStoredConversationBeforeItsApprovalExists() {
    AtomicBoolean callWasStored = new AtomicBoolean();
    ApprovalStore approvals =
        new DelegatingApprovals(new InMemoryApprovalStore()) {
          @Override
          public void create(Approval approval) {
            callWasStored.set(
                stored(approval.conversation()).stream()
                    .filter(AssistantMessage.class::isInstance)
                    .map(AssistantMessage.class::cast)
                    .anyMatch(
                        m -> m.toolCalls().stream().anyMatch(c -> c.equals(approval.call()))));
            super.create(approval);
          }
        };
    AgentRuntime agent = runtime(approvals, new InMemoryAuditLog());
    Conversation conversation = agent.startConversation(alice, "t");
    model.thenToolCall("send_mail", Map.of("to", "bob@acme.test", "body", "hi"));

    TurnResult result = agent.chat(alice, conversation.id(), "Send bob hi", events::add);

    assertThat(result.status()).isEqualTo(TurnStatus.AWAITING_APPROVAL);
    assertThat(callWasStored).isTrue();
  }

  @Test
  void turnThatFailsMidway_stillKeepsWhatItSaidAndDid() {
    InMemoryAuditLog log = new InMemoryAuditLog();
    AuditLog failingAfterTheCall =
        new AuditLog() {
          private int appended;

          @Override
          public AuditRecord append(AuditEvent event) {
            if (++appended == 2) {
              throw new RetriableException("the audit log is down");
            }
            return log.append(event);
          }

          @Override
          public List<AuditRecord> query(AuditQuery query) {
            return log.query(query);
          }

          @Override
          public ChainVerification verify(OrganizationId organization) {
            return log.verify(organization);
          }
        };
    AgentRuntime agent = runtime(new InMemoryApprovalStore(), failingAfterTheCall);
    Conversation conversation = agent.startConversation(alice, "t");
    model.thenToolCall("read_mail", Map.of("count", 2)).thenText("never reached");

    assertThatThrownBy(() -> agent.chat(alice, conversation.id(), "Read", events::add))
        .isInstanceOf(RetriableException.class);

    assertThat(stored(conversation.id()))
        .extracting(m -> m.getClass().getSimpleName())
        .containsExactly("UserMessage", "AssistantMessage");
  }

  @Test
  void failedModel_storesThePersonsMessage() {
    AgentRuntime agent = runtime();
    Conversation conversation = agent.startConversation(alice, "t");
    model.thenFail(() -> new RetriableException("the model is down"));

    TurnResult result = agent.chat(alice, conversation.id(), "hello", events::add);

    assertThat(result.status()).isEqualTo(TurnStatus.FAILED);
    assertThat(stored(conversation.id())).singleElement().isEqualTo(new UserMessage("hello"));
  }

  @Test
  void prepareChat_refusesBeforeAnythingIsWritten() {
    AgentRuntime agent = runtime();
    Conversation conversation = agent.startConversation(alice, "t");
    model.thenToolCall("send_mail", Map.of("to", "bob@acme.test", "body", "hi"));
    agent.chat(alice, conversation.id(), "Send", events::add);
    int storedBefore = stored(conversation.id()).size();
    Principal mallory = fx.member("other", "mallory");

    assertThatThrownBy(() -> agent.prepareChat(alice, conversation.id(), "more"))
        .isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> agent.prepareChat(mallory, conversation.id(), "hi"))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> agent.prepareChat(alice, conversation.id(), " "))
        .isInstanceOf(InvalidInputException.class);
    assertThat(stored(conversation.id())).hasSize(storedBefore);
  }

  @Test
  void preparedTurn_runsOnlyOnce() {
    AgentRuntime agent = runtime();
    Conversation conversation = agent.startConversation(alice, "t");
    model.thenText("hello").thenText("again");
    AgentRuntime.PreparedTurn turn = agent.prepareChat(alice, conversation.id(), "hi");

    turn.run(events::add);

    assertThatThrownBy(() -> turn.run(events::add)).isInstanceOf(IllegalStateException.class);
    assertThat(stored(conversation.id())).hasSize(2);
  }

  private List<ChatMessage> stored(ConversationId id) {
    return conversations.delegate.find(alice.organization(), id).orElseThrow().messages();
  }

  /** Counts the turn's reads and appends. */
  private static final class CountingConversations implements ConversationStore {
    final InMemoryConversationStore delegate = new InMemoryConversationStore();
    int finds;
    int appends;

    void reset() {
      finds = 0;
      appends = 0;
    }

    @Override
    public void create(Conversation conversation) {
      delegate.create(conversation);
    }

    @Override
    public Optional<Conversation> find(OrganizationId organization, ConversationId id) {
      finds++;
      return delegate.find(organization, id);
    }

    @Override
    public List<ConversationSummary> list(OrganizationId organization, UserId owner) {
      return delegate.list(organization, owner);
    }

    @Override
    public void append(OrganizationId organization, ConversationId id, List<ChatMessage> messages) {
      appends++;
      delegate.append(organization, id, messages);
    }
  }

  /** Passes every call to another store; tests override what they watch. */
  private static class DelegatingApprovals implements ApprovalStore {
    private final ApprovalStore delegate;

    DelegatingApprovals(ApprovalStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public void create(Approval approval) {
      delegate.create(approval);
    }

    @Override
    public Optional<Approval> find(OrganizationId organization, ApprovalId id) {
      return delegate.find(organization, id);
    }

    @Override
    public List<Approval> list(OrganizationId organization, ApprovalStatus status) {
      return delegate.list(organization, status);
    }

    @Override
    public List<Approval> listByConversation(
        OrganizationId organization, ConversationId conversation) {
      return delegate.listByConversation(organization, conversation);
    }

    @Override
    public Optional<Approval> transition(
        OrganizationId organization, ApprovalId id, ApprovalTransition transition) {
      return delegate.transition(organization, id, transition);
    }
  }
}
