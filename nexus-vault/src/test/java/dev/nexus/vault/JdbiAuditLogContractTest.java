package dev.nexus.vault;

import dev.nexus.core.audit.AuditLog;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.testkit.contract.AuditLogContract;

class JdbiAuditLogContractTest extends AuditLogContract {

  @Override
  protected AuditLog createLog() {
    return new JdbiAuditLog(SharedDatabase.get().jdbi());
  }

  @Override
  protected void tamper(AuditLog log, OrganizationId organization, long sequence) {
    // The application role cannot do this (no UPDATE on audit_event); the superuser can.
    SharedDatabase.asSuperuser(
        "UPDATE nexus.audit_event SET target = target || '-changed'"
            + " WHERE organization_id = ? AND sequence = ?",
        organization.value(),
        sequence);
  }

  @Override
  protected void remove(AuditLog log, OrganizationId organization, long sequence) {
    SharedDatabase.asSuperuser(
        "DELETE FROM nexus.audit_event WHERE organization_id = ? AND sequence = ?",
        organization.value(),
        sequence);
  }
}
