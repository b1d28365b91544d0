package dev.nexus.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.audit.AuditAction;
import dev.nexus.core.audit.AuditEvent;
import dev.nexus.core.audit.ChainVerification;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import java.time.Instant;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

class AuditAppendOnlyTest {

  private final Jdbi jdbi = SharedDatabase.get().jdbi();
  private final JdbiAuditLog log = new JdbiAuditLog(jdbi);

  @Test
  void applicationRole_cannotUpdateOrDeleteAuditEvents() {
    // given
    OrganizationId organization = SharedDatabase.freshOrganization();
    log.append(event(organization, "first"));

    // when / then: even inside its own organization, the privilege is missing
    for (String statement :
        new String[] {
          "UPDATE audit_event SET target = 'rewritten'", "DELETE FROM audit_event",
        }) {
      assertThatThrownBy(
              () ->
                  jdbi.useTransaction(
                      handle -> {
                        Tenancy.scope(handle, organization);
                        handle.execute(statement);
                      }))
          .as(statement)
          .hasMessageContaining("42501");
    }
    assertThat(log.verify(organization).isIntact()).isTrue();
  }

  @Test
  void verify_newestRecordRemoved_findsTheCutOffTail() {
    // given
    OrganizationId organization = SharedDatabase.freshOrganization();
    for (int i = 0; i < 3; i++) {
      log.append(event(organization, "event-" + i));
    }

    // when
    SharedDatabase.asSuperuser(
        "DELETE FROM nexus.audit_event WHERE organization_id = ? AND sequence = 3",
        organization.value());
    ChainVerification verification = log.verify(organization);

    // then
    assertThat(verification.isIntact()).isFalse();
    assertThat(verification.firstBrokenSequence()).contains(3L);
    assertThat(verification.problem()).contains("missing");
  }

  @Test
  void append_keepsTheExactInstantSoTheChainVerifies() {
    // given: an instant with nanoseconds, finer than PostgreSQL's microseconds
    OrganizationId organization = SharedDatabase.freshOrganization();
    Instant at = Instant.parse("2026-03-01T10:15:30.123456789Z");

    // when
    log.append(
        new AuditEvent(organization, at, null, AuditAction.APPROVAL_EXPIRED, "a-1", Map.of()));

    // then
    assertThat(log.verify(organization).isIntact()).isTrue();
    assertThat(
            log.query(dev.nexus.core.audit.AuditQuery.first(organization, 10)).get(0).event().at())
        .isEqualTo(at);
  }

  @Test
  void append_nonAsciiContent_isHashedByTheDatabaseExactlyAsByAuditChain() {
    // given: text whose UTF-16 length, code point count and UTF-8 length all differ
    OrganizationId organization = SharedDatabase.freshOrganization();
    AuditEvent event =
        new AuditEvent(
            organization,
            Instant.now(),
            UserId.of("zoe@example.test"),
            AuditAction.TOOL_CALL_EXECUTED,
            "notion_create_page 📝 “Résumé”",
            Map.of("title", "Zoë’s notes ✓ 🚀", "risk", "WRITE"));

    // when
    dev.nexus.core.audit.AuditRecord first = log.append(event);
    dev.nexus.core.audit.AuditRecord second = log.append(event);

    // then
    assertThat(first.hash())
        .isEqualTo(dev.nexus.core.audit.AuditChain.hash(first.previousHash(), 1, event));
    assertThat(second.previousHash()).isEqualTo(first.hash());
    assertThat(log.verify(organization).isIntact()).isTrue();
    assertThat(log.verify(organization).checked()).isEqualTo(2);
  }

  private static AuditEvent event(OrganizationId organization, String target) {
    return new AuditEvent(
        organization,
        Instant.now(),
        UserId.of("alice"),
        AuditAction.TOOL_CALL_ALLOWED,
        target,
        Map.of("tool", "gmail_search"));
  }
}
