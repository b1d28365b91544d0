package dev.nexus.testkit.memory;

import dev.nexus.core.audit.AuditChain;
import dev.nexus.core.audit.AuditEvent;
import dev.nexus.core.audit.AuditLog;
import dev.nexus.core.audit.AuditQuery;
import dev.nexus.core.audit.AuditRecord;
import dev.nexus.core.audit.ChainVerification;
import dev.nexus.core.error.NotFoundException;
import dev.nexus.core.identity.OrganizationId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * An {@link AuditLog} held in memory: one hash chain per organization ({@link AuditChain}), each
 * guarded by its own lock, so concurrent appends are all kept with dense sequence numbers.
 *
 * <p>{@link #tamperForTest} and {@link #removeForTest} break the append-only promise on purpose:
 * they simulate someone editing the storage behind the application's back, so that tests can show
 * {@link #verify} notices. Nothing else may call them.
 */
public final class InMemoryAuditLog implements AuditLog {

  private static final class Chain {
    private final List<AuditRecord> records = new ArrayList<>();
  }

  private final ConcurrentMap<OrganizationId, Chain> chains = new ConcurrentHashMap<>();

  @Override
  public AuditRecord append(AuditEvent event) {
    Objects.requireNonNull(event, "event");
    Chain chain = chains.computeIfAbsent(event.organization(), id -> new Chain());
    synchronized (chain) {
      AuditRecord previous =
          chain.records.isEmpty() ? null : chain.records.get(chain.records.size() - 1);
      AuditRecord record = AuditChain.next(previous, event);
      chain.records.add(record);
      return record;
    }
  }

  @Override
  public List<AuditRecord> query(AuditQuery query) {
    Objects.requireNonNull(query, "query");
    List<AuditRecord> page = new ArrayList<>();
    for (AuditRecord record : snapshot(query.organization())) {
      if (page.size() == query.limit()) {
        break;
      }
      if (record.sequence() > query.afterSequence() && query.matches(record.event().action())) {
        page.add(record);
      }
    }
    return List.copyOf(page);
  }

  @Override
  public ChainVerification verify(OrganizationId organization) {
    return AuditChain.verify(snapshot(organization).iterator());
  }

  /**
   * Test only: changes the stored event of record {@code sequence} (its target gains a suffix and a
   * detail is added) while keeping its old hash, as an attacker editing the storage would.
   *
   * @throws NotFoundException when there is no such record
   */
  public void tamperForTest(OrganizationId organization, long sequence) {
    Chain chain = existingChain(organization);
    synchronized (chain) {
      int index = indexOf(chain, sequence);
      AuditRecord record = chain.records.get(index);
      AuditEvent event = record.event();
      Map<String, String> details = new HashMap<>(event.details());
      details.put("tampered", "true");
      AuditEvent changed =
          new AuditEvent(
              event.organization(),
              event.at(),
              event.actor(),
              event.action(),
              event.target() + "-changed",
              details);
      chain.records.set(
          index, new AuditRecord(record.sequence(), changed, record.previousHash(), record.hash()));
    }
  }

  /**
   * Test only: deletes record {@code sequence} from the storage, as an attacker would.
   *
   * @throws NotFoundException when there is no such record
   */
  public void removeForTest(OrganizationId organization, long sequence) {
    Chain chain = existingChain(organization);
    synchronized (chain) {
      chain.records.remove(indexOf(chain, sequence));
    }
  }

  private List<AuditRecord> snapshot(OrganizationId organization) {
    Objects.requireNonNull(organization, "organization");
    Chain chain = chains.get(organization);
    if (chain == null) {
      return List.of();
    }
    synchronized (chain) {
      return List.copyOf(chain.records);
    }
  }

  private Chain existingChain(OrganizationId organization) {
    Objects.requireNonNull(organization, "organization");
    Chain chain = chains.get(organization);
    if (chain == null) {
      throw new NotFoundException("organization " + organization + " has no audit records");
    }
    return chain;
  }

  private static int indexOf(Chain chain, long sequence) {
    for (int i = 0; i < chain.records.size(); i++) {
      if (chain.records.get(i).sequence() == sequence) {
        return i;
      }
    }
    throw new NotFoundException("audit record " + sequence + " does not exist");
  }
}
