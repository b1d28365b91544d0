package dev.nexus.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.core.audit.AuditAction;
import dev.nexus.core.audit.AuditChain;
import dev.nexus.core.audit.AuditEvent;
import dev.nexus.core.audit.AuditLog;
import dev.nexus.core.audit.AuditQuery;
import dev.nexus.core.audit.AuditRecord;
import dev.nexus.core.audit.ChainVerification;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AuditLog} must do: one hash chain per organization, dense sequence numbers, no
 * event lost under concurrent appends, and a verification that finds a changed or removed record.
 * Adapters implement {@link #tamper} and {@link #remove} by editing their storage directly, the way
 * an attacker would.
 */
public abstract class AuditLogContract {

  private static final Instant T0 = Instant.parse("2026-01-01T09:00:00Z");

  private AuditLog log;

  /** A log for one test (it may share storage with other tests). */
  protected abstract AuditLog createLog();

  /**
   * Changes the stored content of record {@code sequence} of {@code organization} behind the log's
   * back, leaving its stored hashes as they were.
   */
  protected abstract void tamper(AuditLog log, OrganizationId organization, long sequence);

  /** Deletes record {@code sequence} of {@code organization} behind the log's back. */
  protected abstract void remove(AuditLog log, OrganizationId organization, long sequence);

  /** Hook for adapters whose storage needs the organization to exist first (idempotent). */
  protected void prepare(OrganizationId organization) {}

  @BeforeEach
  void setUp() {
    log = createLog();
  }

  @Test
  void append_chainsRecordsFromSequenceOne() {
    OrganizationId organization = org();

    AuditRecord first = log.append(event(organization, 0, AuditAction.TOOL_CALL_ALLOWED));
    AuditRecord second = log.append(event(organization, 1, AuditAction.APPROVAL_REQUESTED));

    assertThat(first.sequence()).isEqualTo(1);
    assertThat(first.previousHash()).isEqualTo(AuditChain.GENESIS);
    assertThat(first.hash()).isEqualTo(AuditChain.hash(AuditChain.GENESIS, 1, first.event()));
    assertThat(second.sequence()).isEqualTo(2);
    assertThat(second.previousHash()).isEqualTo(first.hash());
    assertThat(second.hash()).isEqualTo(AuditChain.hash(first.hash(), 2, second.event()));
  }

  @Test
  void query_returnsTheRecordsAsAppended() {
    OrganizationId organization = org();
    AuditEvent event =
        new AuditEvent(
            organization,
            T0,
            UserId.of("alice"),
            AuditAction.TOOL_CALL_DENIED,
            "gmail_send",
            Map.of("reason", "guest may not send mail", "call", "call-1"));
    AuditEvent systemEvent =
        new AuditEvent(
            organization, T0, null, AuditAction.APPROVAL_EXPIRED, "approval-1", Map.of());
    AuditRecord appended = log.append(event);
    AuditRecord appendedSystem = log.append(systemEvent);

    List<AuditRecord> page = log.query(AuditQuery.first(organization, 10));

    assertThat(page).containsExactly(appended, appendedSystem);
    assertThat(page.get(0).event()).isEqualTo(event);
    assertThat(page.get(1).event().actor()).isNull();
  }

  @Test
  void organizations_haveSeparateChains() {
    OrganizationId acme = org();
    OrganizationId globex = org();
    log.append(event(acme, 0, AuditAction.TOOL_CALL_ALLOWED));
    log.append(event(acme, 1, AuditAction.TOOL_CALL_ALLOWED));

    AuditRecord globexFirst = log.append(event(globex, 0, AuditAction.TOOL_CALL_DENIED));

    assertThat(globexFirst.sequence()).isEqualTo(1);
    assertThat(globexFirst.previousHash()).isEqualTo(AuditChain.GENESIS);
    assertThat(log.query(AuditQuery.first(globex, 100))).containsExactly(globexFirst);
    assertThat(log.query(AuditQuery.first(acme, 100)))
        .extracting(r -> r.event().organization())
        .containsOnly(acme);
  }

  @Test
  void query_pagesByCursorAndLimitAndFiltersByAction() {
    OrganizationId organization = org();
    for (int i = 0; i < 10; i++) {
      AuditAction action =
          i % 2 == 0 ? AuditAction.TOOL_CALL_ALLOWED : AuditAction.TOOL_CALL_DENIED;
      log.append(event(organization, i, action));
    }

    List<AuditRecord> page = log.query(new AuditQuery(organization, 3, 4, Set.of()));
    List<AuditRecord> denied =
        log.query(new AuditQuery(organization, 0, 100, Set.of(AuditAction.TOOL_CALL_DENIED)));
    List<AuditRecord> deniedAfterFour =
        log.query(new AuditQuery(organization, 4, 2, Set.of(AuditAction.TOOL_CALL_DENIED)));

    assertThat(page).extracting(AuditRecord::sequence).containsExactly(4L, 5L, 6L, 7L);
    assertThat(denied).extracting(AuditRecord::sequence).containsExactly(2L, 4L, 6L, 8L, 10L);
    assertThat(deniedAfterFour).extracting(AuditRecord::sequence).containsExactly(6L, 8L);
  }

  @Test
  void query_unknownOrganization_isEmptyAndVerifiesIntact() {
    OrganizationId nobody = org();

    assertThat(log.query(AuditQuery.first(nobody, 10))).isEmpty();
    assertThat(log.verify(nobody)).isEqualTo(ChainVerification.intact(0));
  }

  @Test
  void append_fromManyThreads_losesNothingAndKeepsSequencesDense() {
    OrganizationId organization = org();
    int threads = 8;
    int perThread = 100;

    Concurrently.runAll(
        threads,
        t -> {
          for (int i = 0; i < perThread; i++) {
            log.append(event(organization, t * perThread + i, AuditAction.TOOL_CALL_EXECUTED));
          }
        });

    List<AuditRecord> all = readAll(organization);
    assertThat(all)
        .extracting(AuditRecord::sequence)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, threads * perThread).boxed().toList());
    Set<String> targets = new HashSet<>();
    all.forEach(r -> targets.add(r.event().target()));
    assertThat(targets).hasSize(threads * perThread);
    assertThat(log.verify(organization)).isEqualTo(ChainVerification.intact(threads * perThread));
  }

  @Test
  void append_toTwoOrganizationsConcurrently_keepsBothChainsWhole() {
    OrganizationId acme = org();
    OrganizationId globex = org();

    Concurrently.runAll(
        6,
        t -> {
          OrganizationId organization = t % 2 == 0 ? acme : globex;
          for (int i = 0; i < 50; i++) {
            log.append(event(organization, t * 50 + i, AuditAction.TOOL_CALL_ALLOWED));
          }
        });

    assertThat(log.verify(acme)).isEqualTo(ChainVerification.intact(150));
    assertThat(log.verify(globex)).isEqualTo(ChainVerification.intact(150));
  }

  @Test
  void verify_untouchedChain_isIntact() {
    OrganizationId organization = org();
    appendFive(organization);

    ChainVerification verification = log.verify(organization);

    assertThat(verification.isIntact()).isTrue();
    assertThat(verification.checked()).isEqualTo(5);
  }

  @Test
  void verify_tamperedRecord_isBrokenAtThatRecord() {
    OrganizationId organization = org();
    appendFive(organization);

    tamper(log, organization, 3);
    ChainVerification verification = log.verify(organization);

    assertThat(verification.isIntact()).isFalse();
    assertThat(verification.firstBrokenSequence()).contains(3L);
    assertThat(verification.checked()).isEqualTo(2);
  }

  @Test
  void verify_removedRecord_isBrokenWhereItWas() {
    OrganizationId organization = org();
    appendFive(organization);

    remove(log, organization, 3);
    ChainVerification verification = log.verify(organization);

    assertThat(verification.isIntact()).isFalse();
    assertThat(verification.firstBrokenSequence()).contains(3L);
  }

  private void appendFive(OrganizationId organization) {
    for (int i = 0; i < 5; i++) {
      log.append(event(organization, i, AuditAction.TOOL_CALL_ALLOWED));
    }
  }

  private List<AuditRecord> readAll(OrganizationId organization) {
    List<AuditRecord> all = new ArrayList<>();
    long after = 0;
    while (true) {
      List<AuditRecord> page = log.query(new AuditQuery(organization, after, 1000, Set.of()));
      if (page.isEmpty()) {
        return all;
      }
      all.addAll(page);
      after = page.get(page.size() - 1).sequence();
    }
  }

  private OrganizationId org() {
    OrganizationId organization = OrganizationId.of(Unique.id("acme"));
    prepare(organization);
    return organization;
  }

  private static AuditEvent event(OrganizationId organization, int n, AuditAction action) {
    return new AuditEvent(
        organization,
        T0.plusSeconds(n),
        UserId.of("alice"),
        action,
        "target-" + n,
        Map.of("n", Integer.toString(n)));
  }
}
