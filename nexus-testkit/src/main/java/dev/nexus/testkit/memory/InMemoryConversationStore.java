package dev.nexus.testkit.memory;

import dev.nexus.core.conversation.ChatMessage;
import dev.nexus.core.conversation.Conversation;
import dev.nexus.core.conversation.ConversationId;
import dev.nexus.core.conversation.ConversationStore;
import dev.nexus.core.conversation.ConversationSummary;
import dev.nexus.core.error.ConflictException;
import dev.nexus.core.error.NotFoundException;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ConversationStore} held in memory. Thread-safe: appends to one conversation are atomic
 * and keep their order. Conversation ids are unique across organizations, as in a database.
 */
public final class InMemoryConversationStore implements ConversationStore {

  private record Stored(long order, Conversation conversation) {}

  private final ConcurrentMap<ConversationId, Stored> conversations = new ConcurrentHashMap<>();
  private final AtomicLong created = new AtomicLong();

  @Override
  public void create(Conversation conversation) {
    Objects.requireNonNull(conversation, "conversation");
    Stored stored = new Stored(created.incrementAndGet(), conversation);
    if (conversations.putIfAbsent(conversation.id(), stored) != null) {
      throw new ConflictException("conversation " + conversation.id() + " already exists");
    }
  }

  @Override
  public Optional<Conversation> find(OrganizationId organization, ConversationId id) {
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(id, "id");
    Stored stored = conversations.get(id);
    if (stored == null || !stored.conversation().organization().equals(organization)) {
      return Optional.empty();
    }
    return Optional.of(stored.conversation());
  }

  @Override
  public List<ConversationSummary> list(OrganizationId organization, UserId owner) {
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(owner, "owner");
    return conversations.values().stream()
        .filter(s -> s.conversation().organization().equals(organization))
        .filter(s -> s.conversation().owner().equals(owner))
        .sorted(
            Comparator.comparing((Stored s) -> s.conversation().createdAt())
                .thenComparingLong(Stored::order)
                .reversed())
        .map(Stored::conversation)
        .map(
            c ->
                new ConversationSummary(
                    c.id(), c.owner(), c.title(), c.createdAt(), c.messages().size()))
        .toList();
  }

  @Override
  public void append(OrganizationId organization, ConversationId id, List<ChatMessage> messages) {
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(id, "id");
    List<ChatMessage> added = List.copyOf(messages);
    Stored updated =
        conversations.computeIfPresent(
            id,
            (key, stored) -> {
              Conversation c = stored.conversation();
              if (!c.organization().equals(organization)) {
                return stored;
              }
              List<ChatMessage> all = new ArrayList<>(c.messages());
              all.addAll(added);
              return new Stored(
                  stored.order(),
                  new Conversation(
                      c.id(), c.organization(), c.owner(), c.title(), c.createdAt(), all));
            });
    if (updated == null || !updated.conversation().organization().equals(organization)) {
      throw new NotFoundException("conversation " + id + " does not exist");
    }
  }
}
