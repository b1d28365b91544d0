package dev.nexus.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.core.audit.AuditAction;
import dev.nexus.core.audit.AuditChain;
import dev.nexus.core.audit.AuditEvent;
import dev.nexus.core.audit.AuditRecord;
import dev.nexus.core.audit.ChainVerification;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditChainTest {

  private static List<AuditRecord> chainOf(int n) {
    List<AuditRecord> records = new ArrayList<>();
    AuditRecord previous = null;
    for (int i = 0; i < n; i++) {
      AuditEvent event =
          new AuditEvent(
              OrganizationId.of("acme"),
              Instant.ofEpochSecond(i),
              UserId.of("ann"),
              AuditAction.TOOL_CALL_EXECUTED,
              "send_mail",
              Map.of("call", "c" + i));
      previous = AuditChain.next(previous, event);
      records.add(previous);
    }
    return records;
  }

  @Test
  void verify_intactChain_checksEveryRecord() {
    ChainVerification result = AuditChain.verify(chainOf(5).iterator());

    assertThat(result.isIntact()).isTrue();
    assertThat(result.checked()).isEqualTo(5);
  }

  @Test
  void verify_changedDetail_isFound() {
    List<AuditRecord> records = chainOf(5);
    AuditRecord original = records.get(2);
    AuditEvent forged =
        new AuditEvent(
            original.event().organization(),
            original.event().at(),
            original.event().actor(),
            original.event().action(),
            original.event().target(),
            Map.of("call", "forged"));
    records.set(2, new AuditRecord(3, forged, original.previousHash(), original.hash()));

    assertThat(AuditChain.verify(records.iterator()).firstBrokenSequence()).contains(3L);
  }

  @Test
  void verify_removedRecord_isFound() {
    List<AuditRecord> records = chainOf(5);
    records.remove(3);

    ChainVerification result = AuditChain.verify(records.iterator());

    assertThat(result.firstBrokenSequence()).contains(4L);
    assertThat(result.problem()).isEqualTo("record 4 is missing");
  }

  @Test
  void verify_removedLastRecords_stillVerifiesThePrefix() {
    List<AuditRecord> records = chainOf(5).subList(0, 3);

    assertThat(AuditChain.verify(records.iterator()).checked()).isEqualTo(3);
  }
}
