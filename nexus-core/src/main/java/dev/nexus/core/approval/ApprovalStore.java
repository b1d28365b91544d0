package dev.nexus.core.approval;

import dev.nexus.core.conversation.ConversationId;
import dev.nexus.core.identity.OrganizationId;
import java.util.List;
import java.util.Optional;

/**
 * Keeps approvals. Every method is scoped by organization, and {@link #transition} is an atomic
 * compare-and-set: of many concurrent callers moving the same approval out of the same status,
 * exactly one succeeds, across threads and across processes sharing the store.
 */
public interface ApprovalStore {

  /**
   * Stores a new approval.
   *
   * @throws dev.nexus.core.error.ConflictException when the id is taken
   */
  void create(Approval approval);

  /** The approval, or empty (also for another organization's id). */
  Optional<Approval> find(OrganizationId organization, ApprovalId id);

  /** The organization's approvals in {@code status}, oldest first. */
  List<Approval> list(OrganizationId organization, ApprovalStatus status);

  /** The approvals of one conversation, oldest first. */
  List<Approval> listByConversation(OrganizationId organization, ConversationId conversation);

  /**
   * Applies the transition if, and only if, the approval is still in {@code transition.from()}.
   * Returns the approval after the move, or empty when it was not in that status (someone else
   * moved it first) or does not exist in the organization.
   */
  Optional<Approval> transition(
      OrganizationId organization, ApprovalId id, ApprovalTransition transition);
}
