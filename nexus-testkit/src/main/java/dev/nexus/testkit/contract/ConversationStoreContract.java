package dev.nexus.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.conversation.ChatMessage;
import dev.nexus.core.conversation.ChatMessage.AssistantMessage;
import dev.nexus.core.conversation.ChatMessage.ToolResultMessage;
import dev.nexus.core.conversation.ChatMessage.UserMessage;
import dev.nexus.core.conversation.Conversation;
import dev.nexus.core.conversation.ConversationId;
import dev.nexus.core.conversation.ConversationStore;
import dev.nexus.core.conversation.ConversationSummary;
import dev.nexus.core.error.ConflictException;
import dev.nexus.core.error.NotFoundException;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.tool.ToolCall;
import dev.nexus.core.tool.ToolCallId;
import dev.nexus.core.tool.ToolResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ConversationStore} must do. Extend it and implement the factory. */
public abstract class ConversationStoreContract {

  private static final Instant T0 = Instant.parse("2026-01-01T09:00:00Z");

  private ConversationStore store;

  /** A store for one test (it may share storage with other tests). */
  protected abstract ConversationStore createStore();

  /**
   * Hook for adapters whose storage needs the organization and user to exist first. It may be
   * called more than once for the same pair, so it must be idempotent.
   */
  protected void prepare(OrganizationId organization, UserId user) {}

  @BeforeEach
  void setUp() {
    store = createStore();
  }

  @Test
  void create_thenFind_returnsEveryMessageAsStored() {
    Conversation conversation = conversation(org(), user(), T0, sampleMessages());

    store.create(conversation);

    assertThat(store.find(conversation.organization(), conversation.id())).contains(conversation);
  }

  @Test
  void create_takenId_throwsConflict() {
    Conversation conversation = conversation(org(), user(), T0, List.of());
    store.create(conversation);

    assertThatThrownBy(() -> store.create(conversation)).isInstanceOf(ConflictException.class);
  }

  @Test
  void find_fromAnotherOrganization_isEmpty() {
    Conversation conversation = conversation(org(), user(), T0, sampleMessages());
    store.create(conversation);
    OrganizationId other = org();

    assertThat(store.find(other, conversation.id())).isEmpty();
    assertThat(store.list(other, conversation.owner())).isEmpty();
  }

  @Test
  void find_unknownId_isEmpty() {
    assertThat(store.find(org(), ConversationId.random())).isEmpty();
  }

  @Test
  void append_keepsTheOrderOfEveryCall() {
    Conversation conversation = conversation(org(), user(), T0, List.of(new UserMessage("one")));
    store.create(conversation);

    store.append(
        conversation.organization(),
        conversation.id(),
        List.of(new UserMessage("two"), AssistantMessage.text("three")));
    store.append(conversation.organization(), conversation.id(), List.of(new UserMessage("four")));

    assertThat(store.find(conversation.organization(), conversation.id()).orElseThrow().messages())
        .containsExactly(
            new UserMessage("one"),
            new UserMessage("two"),
            AssistantMessage.text("three"),
            new UserMessage("four"));
  }

  @Test
  void append_fromAnotherOrganization_throwsNotFoundAndChangesNothing() {
    Conversation conversation = conversation(org(), user(), T0, List.of(new UserMessage("mine")));
    store.create(conversation);
    OrganizationId other = org();

    assertThatThrownBy(
            () -> store.append(other, conversation.id(), List.of(new UserMessage("intruder"))))
        .isInstanceOf(NotFoundException.class);
    assertThat(store.find(conversation.organization(), conversation.id()).orElseThrow().messages())
        .containsExactly(new UserMessage("mine"));
  }

  @Test
  void append_unknownConversation_throwsNotFound() {
    OrganizationId organization = org();

    assertThatThrownBy(
            () ->
                store.append(
                    organization, ConversationId.random(), List.of(new UserMessage("hello"))))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void append_fromManyThreads_keepsEveryBatchWholeAndInOrder() {
    Conversation conversation = conversation(org(), user(), T0, List.of());
    store.create(conversation);
    int threads = 8;
    int batches = 25;

    Concurrently.runAll(
        threads,
        t -> {
          for (int b = 0; b < batches; b++) {
            store.append(
                conversation.organization(),
                conversation.id(),
                List.of(
                    new UserMessage("t" + t + "-b" + b),
                    AssistantMessage.text("t" + t + "-b" + b)));
          }
        });

    List<ChatMessage> messages =
        store.find(conversation.organization(), conversation.id()).orElseThrow().messages();
    assertThat(messages).hasSize(threads * batches * 2);
    List<String> batchOrder = new ArrayList<>();
    for (int i = 0; i < messages.size(); i += 2) {
      String question = ((UserMessage) messages.get(i)).text();
      assertThat(messages.get(i + 1)).isEqualTo(AssistantMessage.text(question));
      batchOrder.add(question);
    }
    for (int t = 0; t < threads; t++) {
      String prefix = "t" + t + "-";
      List<String> own = batchOrder.stream().filter(q -> q.startsWith(prefix)).toList();
      List<String> expected = new ArrayList<>();
      for (int b = 0; b < batches; b++) {
        expected.add(prefix + "b" + b);
      }
      assertThat(own).isEqualTo(expected);
    }
  }

  @Test
  void list_returnsTheOwnersConversationsNewestFirst() {
    OrganizationId organization = org();
    UserId alice = user();
    UserId bob = user();
    prepare(organization, bob);
    Conversation older = conversation(organization, alice, T0, List.of(new UserMessage("a")));
    Conversation newer =
        conversation(organization, alice, T0.plusSeconds(60), List.of(new UserMessage("b")));
    Conversation bobs = conversation(organization, bob, T0.plusSeconds(30), List.of());
    store.create(older);
    store.create(newer);
    store.create(bobs);
    store.append(organization, newer.id(), List.of(AssistantMessage.text("reply")));

    List<ConversationSummary> summaries = store.list(organization, alice);

    assertThat(summaries)
        .containsExactly(
            new ConversationSummary(newer.id(), alice, newer.title(), newer.createdAt(), 2),
            new ConversationSummary(older.id(), alice, older.title(), older.createdAt(), 1));
  }

  private OrganizationId org() {
    return OrganizationId.of(Unique.id("acme"));
  }

  private UserId user() {
    return UserId.of(Unique.id("alice"));
  }

  private Conversation conversation(
      OrganizationId organization, UserId owner, Instant createdAt, List<ChatMessage> messages) {
    prepare(organization, owner);
    return new Conversation(
        ConversationId.random(), organization, owner, "Title " + createdAt, createdAt, messages);
  }

  /** One message of every kind, with a tool call carrying strings, booleans and a list. */
  private static List<ChatMessage> sampleMessages() {
    ToolCall call =
        new ToolCall(
            new ToolCallId("call-1"),
            "gmail_send",
            Map.of(
                "to",
                List.of("bob@acme.test", "carol@acme.test"),
                "subject",
                "Quarterly numbers",
                "draft",
                true));
    return List.of(
        new UserMessage("Send the numbers to Bob and Carol."),
        new AssistantMessage("Sending now.", List.of(call)),
        new ToolResultMessage(call.id(), call.toolName(), ToolResult.success("sent: id 42")),
        new ToolResultMessage(
            new ToolCallId("call-2"), "notion_search", ToolResult.error("the search failed")),
        AssistantMessage.text("Done."));
  }
}
