package dev.nexus.vault;

import dev.nexus.core.identity.OrganizationId;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * Runs work in one transaction scoped to one organization: the transaction-local setting that the
 * row-level security policies read is set first, so a statement that forgets its {@code WHERE
 * organization_id} still cannot see or change another organization's rows.
 */
final class Tenancy {

  private Tenancy() {}

  static <T> T inOrganization(
      Jdbi jdbi,
      OrganizationId organization,
      String operation,
      HandleCallback<T, RuntimeException> work) {
    return Failures.translate(
        operation,
        () ->
            jdbi.inTransaction(
                handle -> {
                  scope(handle, organization);
                  return work.withHandle(handle);
                }));
  }

  /** Sets the organization for the rest of the current transaction. */
  static void scope(Handle handle, OrganizationId organization) {
    handle
        .createQuery("SELECT set_config('" + VaultDatabase.ORGANIZATION_SETTING + "', :org, true)")
        .bind("org", organization.value())
        .mapTo(String.class)
        .one();
  }
}
