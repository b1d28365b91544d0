package dev.nexus.core.approval;

import dev.nexus.core.conversation.ConversationId;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.tool.RiskClass;
import dev.nexus.core.tool.ToolCall;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A tool call waiting for, or past, a person's decision. It holds the exact call that will run;
 * nothing about it can be changed by the model. {@code decidedBy}, {@code decidedAt} and {@code
 * outcome} are null until they are known.
 */
public record Approval(
    ApprovalId id,
    OrganizationId organization,
    ConversationId conversation,
    UserId requester,
    Role requesterRole,
    ToolCall call,
    RiskClass risk,
    ApprovalStatus status,
    Instant createdAt,
    Instant expiresAt,
    UserId decidedBy,
    Instant decidedAt,
    String outcome) {

  public Approval {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(conversation, "conversation");
    Objects.requireNonNull(requester, "requester");
    Objects.requireNonNull(requesterRole, "requesterRole");
    Objects.requireNonNull(call, "call");
    Objects.requireNonNull(risk, "risk");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** A new pending approval for {@code call}. */
  public static Approval pending(
      OrganizationId organization,
      ConversationId conversation,
      UserId requester,
      Role requesterRole,
      ToolCall call,
      RiskClass risk,
      Instant now,
      Instant expiresAt) {
    return new Approval(
        ApprovalId.random(),
        organization,
        conversation,
        requester,
        requesterRole,
        call,
        risk,
        ApprovalStatus.PENDING,
        now,
        expiresAt,
        null,
        null,
        null);
  }

  /** Whether it is still pending but its time ran out at {@code now}. */
  public boolean isOverdue(Instant now) {
    return status == ApprovalStatus.PENDING && !now.isBefore(expiresAt);
  }

  public Optional<UserId> decider() {
    return Optional.ofNullable(decidedBy);
  }

  /** This approval after the move described by {@code transition}. */
  public Approval after(ApprovalTransition transition) {
    boolean decision = status == ApprovalStatus.PENDING;
    return new Approval(
        id,
        organization,
        conversation,
        requester,
        requesterRole,
        call,
        risk,
        transition.to(),
        createdAt,
        expiresAt,
        decision ? transition.actor() : decidedBy,
        decision ? transition.at() : decidedAt,
        transition.outcome() != null ? transition.outcome() : outcome);
  }
}
