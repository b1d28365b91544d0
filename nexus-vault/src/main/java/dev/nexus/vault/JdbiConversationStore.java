package dev.nexus.vault;

import dev.nexus.core.conversation.ChatMessage;
import dev.nexus.core.conversation.Conversation;
import dev.nexus.core.conversation.ConversationId;
import dev.nexus.core.conversation.ConversationStore;
import dev.nexus.core.conversation.ConversationSummary;
import dev.nexus.core.error.ConflictException;
import dev.nexus.core.error.NotFoundException;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Conversations on PostgreSQL: one row per conversation and one per message, in order. Every
 * message variant is stored with all it holds (tool calls with their ids and arguments, tool
 * results with their status), so a turn that paused for an approval resumes after a restart.
 */
public final class JdbiConversationStore implements ConversationStore {

  /** The conversation and its messages in order, in one statement (so one snapshot). */
  private static final String FIND =
      "SELECT c.owner_id, c.title, c.created_at, c.created_at_nanos, m.kind, m.body"
          + " FROM conversation c LEFT JOIN conversation_message m"
          + " ON m.organization_id = c.organization_id AND m.conversation_id = c.id"
          + " WHERE c.organization_id = ? AND c.id = ? ORDER BY m.position";

  /**
   * Reserves positions by bumping the conversation's count (which also locks its row, so concurrent
   * appends queue up and keep their order) and inserts the messages there, in one statement; a
   * missing conversation gives a null count and inserts nothing.
   */
  private static final String APPEND =
      "WITH reserved AS (UPDATE conversation SET message_count = message_count + ?"
          + " WHERE organization_id = ? AND id = ? RETURNING message_count),"
          + " inserted AS (INSERT INTO conversation_message"
          + " (organization_id, conversation_id, position, kind, body)"
          + " SELECT ?, ?, reserved.message_count - ? + m.ordinal - 1, m.kind, m.body"
          + " FROM reserved, unnest(?::text[], ?::text[]) WITH ORDINALITY AS m(kind, body, ordinal)"
          + " RETURNING 1)"
          + " SELECT (SELECT message_count FROM reserved) AS message_count";

  private final Jdbi jdbi;

  public JdbiConversationStore(Jdbi jdbi) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
  }

  @Override
  public void create(Conversation conversation) {
    Objects.requireNonNull(conversation, "conversation");
    Tenancy.inOrganization(
        jdbi,
        conversation.organization(),
        "creating a conversation",
        handle -> {
          int inserted =
              handle
                  .createUpdate(
                      "INSERT INTO conversation (organization_id, id, owner_id, title, created_at,"
                          + " created_at_nanos, message_count) VALUES (:org, :id, :owner, :title,"
                          + " :createdAt, :createdAtNanos, 0) ON CONFLICT DO NOTHING")
                  .bind("org", conversation.organization().value())
                  .bind("id", conversation.id().value())
                  .bind("owner", conversation.owner().value())
                  .bind("title", conversation.title())
                  .bindByType(
                      "createdAt",
                      Instants.timestamp(conversation.createdAt()),
                      OffsetDateTime.class)
                  .bind("createdAtNanos", Instants.nanos(conversation.createdAt()))
                  .execute();
          if (inserted == 0) {
            throw new ConflictException(
                "a conversation with id " + conversation.id() + " already exists");
          }
          appendMessages(
              handle, conversation.organization(), conversation.id(), conversation.messages());
          return null;
        });
  }

  @Override
  public Optional<Conversation> find(OrganizationId organization, ConversationId id) {
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(id, "id");
    return Tenancy.inOneRoundTrip(
        jdbi,
        organization,
        "reading a conversation",
        FIND,
        statement -> {
          statement.setString(2, organization.value());
          statement.setString(3, id.value());
        },
        rows -> {
          if (!rows.next()) {
            return Optional.empty();
          }
          UserId owner = UserId.of(rows.getString("owner_id"));
          String title = rows.getString("title");
          Instant createdAt = Instants.read(rows, "created_at");
          List<ChatMessage> messages = new ArrayList<>();
          do {
            String kind = rows.getString("kind");
            if (kind != null) {
              messages.add(JsonCodec.readMessage(kind, rows.getString("body")));
            }
          } while (rows.next());
          return Optional.of(new Conversation(id, organization, owner, title, createdAt, messages));
        });
  }

  @Override
  public List<ConversationSummary> list(OrganizationId organization, UserId owner) {
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(owner, "owner");
    return Tenancy.inOrganization(
        jdbi,
        organization,
        "listing conversations",
        handle ->
            handle
                .createQuery(
                    "SELECT id, title, created_at, created_at_nanos, message_count"
                        + " FROM conversation WHERE organization_id = :org AND owner_id = :owner"
                        + " ORDER BY created_at DESC, created_at_nanos DESC, id COLLATE \"C\"")
                .bind("org", organization.value())
                .bind("owner", owner.value())
                .map(
                    (row, context) ->
                        new ConversationSummary(
                            new ConversationId(row.getString("id")),
                            owner,
                            row.getString("title"),
                            Instants.read(row, "created_at"),
                            row.getInt("message_count")))
                .list());
  }

  @Override
  public void append(OrganizationId organization, ConversationId id, List<ChatMessage> messages) {
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(id, "id");
    List<ChatMessage> copy = List.copyOf(messages);
    String[] kinds = new String[copy.size()];
    String[] bodies = new String[copy.size()];
    for (int i = 0; i < copy.size(); i++) {
      kinds[i] = JsonCodec.kind(copy.get(i));
      bodies[i] = JsonCodec.writeMessage(copy.get(i));
    }
    boolean found =
        Tenancy.inOneRoundTrip(
            jdbi,
            organization,
            "appending to a conversation",
            APPEND,
            statement -> {
              statement.setInt(2, copy.size());
              statement.setString(3, organization.value());
              statement.setString(4, id.value());
              statement.setString(5, organization.value());
              statement.setString(6, id.value());
              statement.setInt(7, copy.size());
              statement.setArray(8, statement.getConnection().createArrayOf("text", kinds));
              statement.setArray(9, statement.getConnection().createArrayOf("text", bodies));
            },
            rows -> rows.next() && rows.getObject("message_count") != null);
    if (!found) {
      throw new NotFoundException("there is no conversation " + id + " in this organization");
    }
  }

  /**
   * Reserves positions by bumping the conversation's count (which also locks its row, so concurrent
   * appends queue up and keep their order) and inserts the messages there.
   */
  private static void appendMessages(
      Handle handle, OrganizationId organization, ConversationId id, List<ChatMessage> messages) {
    Optional<Integer> end =
        handle
            .createQuery(
                "UPDATE conversation SET message_count = message_count + :count"
                    + " WHERE organization_id = :org AND id = :id RETURNING message_count")
            .bind("count", messages.size())
            .bind("org", organization.value())
            .bind("id", id.value())
            .mapTo(Integer.class)
            .findOne();
    if (end.isEmpty()) {
      throw new NotFoundException("there is no conversation " + id + " in this organization");
    }
    if (messages.isEmpty()) {
      return;
    }
    int position = end.get() - messages.size();
    PreparedBatch batch =
        handle.prepareBatch(
            "INSERT INTO conversation_message (organization_id, conversation_id, position, kind,"
                + " body) VALUES (:org, :id, :position, :kind, :body)");
    for (ChatMessage message : messages) {
      batch
          .bind("org", organization.value())
          .bind("id", id.value())
          .bind("position", position++)
          .bind("kind", JsonCodec.kind(message))
          .bind("body", JsonCodec.writeMessage(message))
          .add();
    }
    batch.execute();
  }
}
