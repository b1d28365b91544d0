package dev.nexus.core.audit;

import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.identity.OrganizationId;
import java.util.Objects;
import java.util.Set;

/**
 * A page of one organization's audit log: records with a sequence greater than {@code
 * afterSequence}, oldest first, at most {@code limit} (1 to 1,000), only of the given actions (all
 * when empty).
 */
public record AuditQuery(
    OrganizationId organization, long afterSequence, int limit, Set<AuditAction> actions) {

  public AuditQuery {
    Objects.requireNonNull(organization, "organization");
    if (afterSequence < 0) {
      throw new InvalidInputException("audit cursor must not be negative");
    }
    if (limit < 1 || limit > 1000) {
      throw new InvalidInputException("audit page size must be between 1 and 1000");
    }
    actions = Set.copyOf(actions);
  }

  /** The first {@code limit} records of every action. */
  public static AuditQuery first(OrganizationId organization, int limit) {
    return new AuditQuery(organization, 0, limit, Set.of());
  }

  /** Whether a record of {@code action} belongs in this page. */
  public boolean matches(AuditAction action) {
    return actions.isEmpty() || actions.contains(action);
  }
}
