package dev.nexus.core.conversation;

import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import java.util.List;
import java.util.Optional;

/**
 * Keeps conversations and their messages. Every method is scoped by organization: a conversation of
 * another organization is never found, listed or changed.
 */
public interface ConversationStore {

  /**
   * Stores a new conversation with its messages.
   *
   * @throws dev.nexus.core.error.ConflictException when the id is taken
   */
  void create(Conversation conversation);

  /** The conversation with all its messages, or empty (also for another organization's id). */
  Optional<Conversation> find(OrganizationId organization, ConversationId id);

  /** The conversations {@code owner} started in {@code organization}, newest first. */
  List<ConversationSummary> list(OrganizationId organization, UserId owner);

  /**
   * Appends messages at the end of the conversation, in order and atomically.
   *
   * @throws dev.nexus.core.error.NotFoundException when there is no such conversation in the
   *     organization
   */
  void append(OrganizationId organization, ConversationId id, List<ChatMessage> messages);
}
