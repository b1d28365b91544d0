package dev.nexus.vault;

import dev.nexus.core.audit.AuditAction;
import dev.nexus.core.audit.AuditChain;
import dev.nexus.core.audit.AuditEvent;
import dev.nexus.core.audit.AuditLog;
import dev.nexus.core.audit.AuditQuery;
import dev.nexus.core.audit.AuditRecord;
import dev.nexus.core.audit.ChainVerification;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.result.ResultIterator;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * The audit log on PostgreSQL, hash-chained per organization with {@link AuditChain}. The
 * application role may insert and read audit events but not change or delete them (no UPDATE or
 * DELETE is granted). Appends of one organization are serialized by locking its head row, which
 * holds the newest sequence number and hash; appends of different organizations run in parallel.
 * {@link #verify} re-computes the chain and compares its end with the head, so a changed, removed
 * or cut-off record is found.
 */
public final class JdbiAuditLog implements AuditLog {

  private static final String COLUMNS =
      "sequence, at, at_nanos, actor_id, action, target, details, previous_hash, hash";

  private final Jdbi jdbi;

  public JdbiAuditLog(Jdbi jdbi) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
  }

  @Override
  public AuditRecord append(AuditEvent event) {
    Objects.requireNonNull(event, "event");
    OrganizationId organization = event.organization();
    return Tenancy.inOrganization(
        jdbi,
        organization,
        "appending an audit event",
        handle -> {
          // Creates the head on the first append and locks it either way; a concurrent append of
          // the same organization waits here and then reads the head this one leaves.
          Head head =
              handle
                  .createQuery(
                      "INSERT INTO audit_head (organization_id, sequence, hash)"
                          + " VALUES (:org, 0, :genesis) ON CONFLICT (organization_id)"
                          + " DO UPDATE SET sequence = audit_head.sequence"
                          + " RETURNING sequence, hash")
                  .bind("org", organization.value())
                  .bind("genesis", AuditChain.GENESIS)
                  .map((row, context) -> new Head(row.getLong("sequence"), row.getString("hash")))
                  .one();
          long sequence = head.sequence() + 1;
          String hash = AuditChain.hash(head.hash(), sequence, event);
          handle
              .createUpdate(
                  "WITH appended AS (INSERT INTO audit_event (organization_id, "
                      + COLUMNS
                      + ") VALUES (:org, :sequence, :at, :atNanos, :actor, :action, :target,"
                      + " :details, :previousHash, :hash))"
                      + " UPDATE audit_head SET sequence = :sequence, hash = :hash"
                      + " WHERE organization_id = :org")
              .bind("org", organization.value())
              .bind("sequence", sequence)
              .bindByType("at", Instants.timestamp(event.at()), OffsetDateTime.class)
              .bind("atNanos", Instants.nanos(event.at()))
              .bind("actor", event.actor() == null ? null : event.actor().value())
              .bind("action", event.action().name())
              .bind("target", event.target())
              .bind("details", JsonCodec.writeDetails(event.details()))
              .bind("previousHash", head.hash())
              .bind("hash", hash)
              .execute();
          return new AuditRecord(sequence, event, head.hash(), hash);
        });
  }

  @Override
  public List<AuditRecord> query(AuditQuery query) {
    Objects.requireNonNull(query, "query");
    OrganizationId organization = query.organization();
    return Tenancy.inOrganization(
        jdbi,
        organization,
        "reading the audit log",
        handle -> {
          Query select =
              handle
                  .createQuery(
                      "SELECT "
                          + COLUMNS
                          + " FROM audit_event WHERE organization_id = :org AND sequence > :after"
                          + (query.actions().isEmpty() ? "" : " AND action = ANY(:actions)")
                          + " ORDER BY sequence LIMIT :limit")
                  .bind("org", organization.value())
                  .bind("after", query.afterSequence())
                  .bind("limit", query.limit());
          if (!query.actions().isEmpty()) {
            select.bind(
                "actions", query.actions().stream().map(AuditAction::name).toArray(String[]::new));
          }
          return select.map((row, context) -> read(organization, row)).list();
        });
  }

  @Override
  public ChainVerification verify(OrganizationId organization) {
    Objects.requireNonNull(organization, "organization");
    return Failures.translate(
        "verifying the audit log",
        () ->
            jdbi.inTransaction(
                TransactionIsolationLevel.REPEATABLE_READ,
                handle -> {
                  Tenancy.scope(handle, organization);
                  Optional<Head> head =
                      handle
                          .createQuery(
                              "SELECT sequence, hash FROM audit_head WHERE organization_id = :org")
                          .bind("org", organization.value())
                          .map(
                              (row, context) ->
                                  new Head(row.getLong("sequence"), row.getString("hash")))
                          .findOne();
                  ChainVerification chain;
                  try (ResultIterator<AuditRecord> records =
                      handle
                          .createQuery(
                              "SELECT "
                                  + COLUMNS
                                  + " FROM audit_event WHERE organization_id = :org"
                                  + " ORDER BY sequence")
                          .bind("org", organization.value())
                          .setFetchSize(1000)
                          .map((row, context) -> read(organization, row))
                          .iterator()) {
                    chain = AuditChain.verify(records);
                  }
                  return checkTail(chain, head.orElse(null));
                }));
  }

  /** The chain may be intact yet shorter than the head says: its newest records were removed. */
  private static ChainVerification checkTail(ChainVerification chain, Head head) {
    if (!chain.isIntact() || head == null || head.sequence() == chain.checked()) {
      return chain;
    }
    long missing = chain.checked() + 1;
    if (head.sequence() < chain.checked()) {
      return ChainVerification.broken(
          chain.checked(), head.sequence() + 1, "records exist beyond the chain's recorded head");
    }
    return ChainVerification.broken(chain.checked(), missing, "record " + missing + " is missing");
  }

  private static AuditRecord read(OrganizationId organization, ResultSet row) throws SQLException {
    String actor = row.getString("actor_id");
    AuditEvent event =
        new AuditEvent(
            organization,
            Instants.read(row, "at"),
            actor == null ? null : UserId.of(actor),
            AuditAction.valueOf(row.getString("action")),
            row.getString("target"),
            JsonCodec.readDetails(row.getString("details")));
    return new AuditRecord(
        row.getLong("sequence"), event, row.getString("previous_hash"), row.getString("hash"));
  }

  private record Head(long sequence, String hash) {}
}
