package dev.nexus.core.audit;

import dev.nexus.core.identity.OrganizationId;
import java.util.List;

/**
 * The append-only record of every decision, one hash chain per organization. Nothing appended is
 * ever changed or removed; concurrent appends are all kept, each with its own sequence number.
 */
public interface AuditLog {

  /** Appends an event to its organization's chain and returns the stored record. */
  AuditRecord append(AuditEvent event);

  /** A page of one organization's records, oldest first. */
  List<AuditRecord> query(AuditQuery query);

  /** Checks the whole chain of one organization (see {@link AuditChain#verify}). */
  ChainVerification verify(OrganizationId organization);
}
