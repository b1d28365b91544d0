package dev.nexus.testkit.memory;

import dev.nexus.core.audit.AuditLog;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.testkit.contract.AuditLogContract;

class InMemoryAuditLogTest extends AuditLogContract {

  @Override
  protected AuditLog createLog() {
    return new InMemoryAuditLog();
  }

  @Override
  protected void tamper(AuditLog log, OrganizationId organization, long sequence) {
    ((InMemoryAuditLog) log).tamperForTest(organization, sequence);
  }

  @Override
  protected void remove(AuditLog log, OrganizationId organization, long sequence) {
    ((InMemoryAuditLog) log).removeForTest(organization, sequence);
  }
}
