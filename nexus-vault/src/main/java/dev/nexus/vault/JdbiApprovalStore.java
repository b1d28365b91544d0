package dev.nexus.vault;

import dev.nexus.core.approval.Approval;
import dev.nexus.core.approval.ApprovalId;
import dev.nexus.core.approval.ApprovalStatus;
import dev.nexus.core.approval.ApprovalStore;
import dev.nexus.core.approval.ApprovalTransition;
import dev.nexus.core.conversation.ConversationId;
import dev.nexus.core.error.ConflictException;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.tool.RiskClass;
import dev.nexus.core.tool.ToolCall;
import dev.nexus.core.tool.ToolCallId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Approvals on PostgreSQL. A transition is one conditional {@code UPDATE ... WHERE status = :from}
 * whose row count decides: of many concurrent callers, in any number of processes, exactly one
 * moves the approval. The move to {@link ApprovalStatus#EXECUTING} is committed before the call
 * goes out, so after a crash an approval found executing is known to have possibly run and is never
 * sent again by the store; {@link #list} with that status finds them.
 */
public final class JdbiApprovalStore implements ApprovalStore {

  private static final String COLUMNS =
      "organization_id, id, conversation_id, requester_id, requester_role, tool_call_id,"
          + " tool_name, arguments, risk, status, created_at, created_at_nanos, expires_at,"
          + " expires_at_nanos, decided_by, decided_at, decided_at_nanos, outcome";

  private final Jdbi jdbi;

  public JdbiApprovalStore(Jdbi jdbi) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
  }

  @Override
  public void create(Approval approval) {
    Objects.requireNonNull(approval, "approval");
    Tenancy.inOrganization(
        jdbi,
        approval.organization(),
        "creating an approval",
        handle -> {
          int inserted =
              handle
                  .createUpdate(
                      "INSERT INTO approval ("
                          + COLUMNS
                          + ") VALUES (:org, :id, :conversation, :requester, :requesterRole,"
                          + " :callId, :toolName, :arguments, :risk, :status, :createdAt,"
                          + " :createdAtNanos, :expiresAt, :expiresAtNanos, :decidedBy,"
                          + " :decidedAt, :decidedAtNanos, :outcome) ON CONFLICT DO NOTHING")
                  .bind("org", approval.organization().value())
                  .bind("id", approval.id().value())
                  .bind("conversation", approval.conversation().value())
                  .bind("requester", approval.requester().value())
                  .bind("requesterRole", approval.requesterRole().name())
                  .bind("callId", approval.call().id().value())
                  .bind("toolName", approval.call().toolName())
                  .bind("arguments", JsonCodec.writeArguments(approval.call().arguments()))
                  .bind("risk", approval.risk().name())
                  .bind("status", approval.status().name())
                  .bindByType(
                      "createdAt", Instants.timestamp(approval.createdAt()), OffsetDateTime.class)
                  .bind("createdAtNanos", Instants.nanos(approval.createdAt()))
                  .bindByType(
                      "expiresAt", Instants.timestamp(approval.expiresAt()), OffsetDateTime.class)
                  .bind("expiresAtNanos", Instants.nanos(approval.expiresAt()))
                  .bind(
                      "decidedBy",
                      approval.decidedBy() == null ? null : approval.decidedBy().value())
                  .bindByType(
                      "decidedAt", Instants.timestamp(approval.decidedAt()), OffsetDateTime.class)
                  .bind("decidedAtNanos", Instants.nanos(approval.decidedAt()))
                  .bind("outcome", approval.outcome())
                  .execute();
          if (inserted == 0) {
            throw new ConflictException("an approval with id " + approval.id() + " already exists");
          }
          return null;
        });
  }

  @Override
  public Optional<Approval> find(OrganizationId organization, ApprovalId id) {
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(id, "id");
    return Tenancy.inOrganization(
        jdbi,
        organization,
        "reading an approval",
        handle ->
            handle
                .createQuery(
                    "SELECT "
                        + COLUMNS
                        + " FROM approval WHERE organization_id = :org AND id = :id")
                .bind("org", organization.value())
                .bind("id", id.value())
                .map((row, context) -> read(row))
                .findOne());
  }

  @Override
  public List<Approval> list(OrganizationId organization, ApprovalStatus status) {
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(status, "status");
    return Tenancy.inOrganization(
        jdbi,
        organization,
        "listing approvals",
        handle ->
            handle
                .createQuery(
                    "SELECT "
                        + COLUMNS
                        + " FROM approval WHERE organization_id = :org AND status = :status"
                        + " ORDER BY created_at, created_at_nanos, id COLLATE \"C\"")
                .bind("org", organization.value())
                .bind("status", status.name())
                .map((row, context) -> read(row))
                .list());
  }

  @Override
  public List<Approval> listByConversation(
      OrganizationId organization, ConversationId conversation) {
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(conversation, "conversation");
    return Tenancy.inOrganization(
        jdbi,
        organization,
        "listing approvals",
        handle ->
            handle
                .createQuery(
                    "SELECT "
                        + COLUMNS
                        + " FROM approval WHERE organization_id = :org"
                        + " AND conversation_id = :conversation"
                        + " ORDER BY created_at, created_at_nanos, id COLLATE \"C\"")
                .bind("org", organization.value())
                .bind("conversation", conversation.value())
                .map((row, context) -> read(row))
                .list());
  }

  @Override
  public Optional<Approval> transition(
      OrganizationId organization, ApprovalId id, ApprovalTransition transition) {
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(transition, "transition");
    boolean decision = transition.from() == ApprovalStatus.PENDING;
    // One round trip: the organization setting and the conditional update run in one implicit
    // transaction. The decision columns change only when the move leaves pending; the outcome
    // only when one is given.
    String sql =
        "UPDATE approval SET status = ?"
            + (decision ? ", decided_by = ?, decided_at = ?, decided_at_nanos = ?" : "")
            + (transition.outcome() != null ? ", outcome = ?" : "")
            + " WHERE organization_id = ? AND id = ? AND status = ? RETURNING "
            + COLUMNS;
    return Tenancy.inOneRoundTrip(
        jdbi,
        organization,
        "moving an approval",
        sql,
        statement -> {
          int i = 2;
          statement.setString(i++, transition.to().name());
          if (decision) {
            statement.setString(
                i++, transition.actor() == null ? null : transition.actor().value());
            statement.setObject(i++, Instants.timestamp(transition.at()));
            statement.setInt(i++, Instants.nanos(transition.at()));
          }
          if (transition.outcome() != null) {
            statement.setString(i++, transition.outcome());
          }
          statement.setString(i++, organization.value());
          statement.setString(i++, id.value());
          statement.setString(i, transition.from().name());
        },
        row -> row.next() ? Optional.of(read(row)) : Optional.<Approval>empty());
  }

  private static Approval read(ResultSet row) throws SQLException {
    String decidedBy = row.getString("decided_by");
    return new Approval(
        new ApprovalId(row.getString("id")),
        OrganizationId.of(row.getString("organization_id")),
        new ConversationId(row.getString("conversation_id")),
        UserId.of(row.getString("requester_id")),
        Role.valueOf(row.getString("requester_role")),
        new ToolCall(
            new ToolCallId(row.getString("tool_call_id")),
            row.getString("tool_name"),
            JsonCodec.readArguments(row.getString("arguments"))),
        RiskClass.valueOf(row.getString("risk")),
        ApprovalStatus.valueOf(row.getString("status")),
        Instants.read(row, "created_at"),
        Instants.read(row, "expires_at"),
        decidedBy == null ? null : UserId.of(decidedBy),
        Instants.read(row, "decided_at"),
        row.getString("outcome"));
  }
}
