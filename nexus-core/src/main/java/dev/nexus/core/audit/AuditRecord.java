package dev.nexus.core.audit;

import java.util.Objects;

/**
 * An appended audit event with its place in its organization's chain: {@code sequence} counts from
 * 1 per organization, and {@code hash} covers the event and {@code previousHash}, so a changed or
 * removed event breaks the chain.
 */
public record AuditRecord(long sequence, AuditEvent event, String previousHash, String hash) {

  public AuditRecord {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(previousHash, "previousHash");
    Objects.requireNonNull(hash, "hash");
  }
}
