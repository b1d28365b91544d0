package dev.nexus.vault;

import dev.nexus.core.identity.OrganizationId;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jdbi.v3.core.ConnectionException;
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

  /**
   * Runs {@code sql} (one or more statements) behind the organization's setting in a single round
   * trip: the driver sends all statements with one sync, so the database runs them in one implicit
   * transaction and the transaction-local setting holds for all of them. The connection must be in
   * auto-commit mode, which is the pool's default. {@code binder} binds the parameters of {@code
   * sql} from index {@code 2} on; {@code reader} reads the result of the last statement.
   */
  static <T> T inOneRoundTrip(
      Jdbi jdbi,
      OrganizationId organization,
      String operation,
      String sql,
      Binder binder,
      Reader<T> reader) {
    String scoped =
        "SELECT set_config('" + VaultDatabase.ORGANIZATION_SETTING + "', ?, true); " + sql;
    return Failures.translate(
        operation,
        () ->
            jdbi.withHandle(
                handle -> {
                  try (PreparedStatement statement =
                      handle.getConnection().prepareStatement(scoped)) {
                    statement.setString(1, organization.value());
                    binder.bind(statement);
                    statement.execute();
                    if (!statement.getMoreResults()) {
                      throw new IllegalStateException(operation + " returned no result");
                    }
                    try (ResultSet rows = statement.getResultSet()) {
                      return reader.read(rows);
                    }
                  } catch (SQLException e) {
                    throw new ConnectionException(e);
                  }
                }));
  }

  /** Binds the parameters after the organization, which is parameter 1. */
  @FunctionalInterface
  interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  /** Reads the result of the last statement. */
  @FunctionalInterface
  interface Reader<T> {
    T read(ResultSet rows) throws SQLException;
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
