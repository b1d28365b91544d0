package dev.nexus.testkit.memory;

import dev.nexus.core.approval.Approval;
import dev.nexus.core.approval.ApprovalId;
import dev.nexus.core.approval.ApprovalStatus;
import dev.nexus.core.approval.ApprovalStore;
import dev.nexus.core.approval.ApprovalTransition;
import dev.nexus.core.conversation.ConversationId;
import dev.nexus.core.error.ConflictException;
import dev.nexus.core.identity.OrganizationId;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * An {@link ApprovalStore} held in memory. Thread-safe; {@link #transition} is a compare-and-set on
 * the approval's entry, so of many racing callers exactly one moves it. Approval ids are unique
 * across organizations, as in a database.
 */
public final class InMemoryApprovalStore implements ApprovalStore {

  private record Stored(long order, Approval approval) {}

  private final ConcurrentMap<ApprovalId, Stored> approvals = new ConcurrentHashMap<>();
  private final AtomicLong created = new AtomicLong();

  @Override
  public void create(Approval approval) {
    Objects.requireNonNull(approval, "approval");
    if (approvals.putIfAbsent(approval.id(), new Stored(created.incrementAndGet(), approval))
        != null) {
      throw new ConflictException("approval " + approval.id() + " already exists");
    }
  }

  @Override
  public Optional<Approval> find(OrganizationId organization, ApprovalId id) {
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(id, "id");
    Stored stored = approvals.get(id);
    if (stored == null || !stored.approval().organization().equals(organization)) {
      return Optional.empty();
    }
    return Optional.of(stored.approval());
  }

  @Override
  public List<Approval> list(OrganizationId organization, ApprovalStatus status) {
    Objects.requireNonNull(status, "status");
    return select(organization, a -> a.status() == status);
  }

  @Override
  public List<Approval> listByConversation(
      OrganizationId organization, ConversationId conversation) {
    Objects.requireNonNull(conversation, "conversation");
    return select(organization, a -> a.conversation().equals(conversation));
  }

  @Override
  public Optional<Approval> transition(
      OrganizationId organization, ApprovalId id, ApprovalTransition transition) {
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(transition, "transition");
    AtomicReference<Approval> moved = new AtomicReference<>();
    approvals.computeIfPresent(
        id,
        (key, stored) -> {
          Approval current = stored.approval();
          if (!current.organization().equals(organization)
              || current.status() != transition.from()) {
            return stored;
          }
          Approval after = current.after(transition);
          moved.set(after);
          return new Stored(stored.order(), after);
        });
    return Optional.ofNullable(moved.get());
  }

  private List<Approval> select(OrganizationId organization, Predicate<Approval> filter) {
    Objects.requireNonNull(organization, "organization");
    return approvals.values().stream()
        .filter(s -> s.approval().organization().equals(organization))
        .filter(s -> filter.test(s.approval()))
        .sorted(
            Comparator.comparing((Stored s) -> s.approval().createdAt())
                .thenComparingLong(Stored::order))
        .map(Stored::approval)
        .toList();
  }
}
