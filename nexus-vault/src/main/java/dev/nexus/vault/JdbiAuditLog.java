package dev.nexus.vault;

import dev.nexus.core.audit.AuditAction;
import dev.nexus.core.audit.AuditChain;
import dev.nexus.core.audit.AuditEvent;
import dev.nexus.core.audit.AuditLog;
import dev.nexus.core.audit.AuditQuery;
import dev.nexus.core.audit.AuditRecord;
import dev.nexus.core.audit.ChainVerification;
import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
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

  /**
   * One statement that creates or advances the organization's head (locking it, which serializes
   * appends of one organization only for this statement), hashes the new record in the database and
   * inserts it; sent in one round trip behind the organization's setting.
   */
  private static final String APPEND =
      "WITH head AS ("
          + " INSERT INTO audit_head AS h (organization_id, sequence, previous_hash, hash)"
          + " VALUES (?, 1, ?, ?) ON CONFLICT (organization_id) DO UPDATE SET"
          + " sequence = h.sequence + 1, previous_hash = h.hash,"
          + " hash = encode(sha256(convert_to(length(h.hash) || ':' || h.hash || ';'"
          + " || length((h.sequence + 1)::text) || ':' || (h.sequence + 1)::text || ';' || ?,"
          + " 'UTF8')), 'hex')"
          + " RETURNING sequence, previous_hash, hash)"
          + " INSERT INTO audit_event (organization_id, "
          + COLUMNS
          + ") SELECT ?, sequence, ?, ?, ?, ?, ?, ?, previous_hash, hash FROM head"
          + " RETURNING sequence, previous_hash, hash";

  private final Jdbi jdbi;

  public JdbiAuditLog(Jdbi jdbi) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
  }

  @Override
  public AuditRecord append(AuditEvent event) {
    Objects.requireNonNull(event, "event");
    OrganizationId organization = event.organization();
    String suffix = encodedAfterSequence(event);
    String firstHash = AuditChain.hash(AuditChain.GENESIS, 1, event);
    AuditRecord record =
        Tenancy.inOneRoundTrip(
            jdbi,
            organization,
            "appending an audit event",
            APPEND,
            statement -> {
              int i = 2;
              statement.setString(i++, organization.value());
              statement.setString(i++, AuditChain.GENESIS);
              statement.setString(i++, firstHash);
              statement.setString(i++, suffix);
              statement.setString(i++, organization.value());
              statement.setObject(i++, Instants.timestamp(event.at()));
              statement.setInt(i++, Instants.nanos(event.at()));
              statement.setString(i++, event.actor() == null ? null : event.actor().value());
              statement.setString(i++, event.action().name());
              statement.setString(i++, event.target());
              statement.setString(i, JsonCodec.writeDetails(event.details()));
            },
            row -> {
              row.next();
              return new AuditRecord(
                  row.getLong("sequence"),
                  event,
                  row.getString("previous_hash"),
                  row.getString("hash"));
            });
    // The database computed the hash from the same encoding; a difference would mean it does not
    // store text as UTF-8, and verify() would report the chain broken at this record.
    String expected = AuditChain.hash(record.previousHash(), record.sequence(), event);
    if (!expected.equals(record.hash())) {
      throw new ConfigurationException(
          "the vault database hashed audit record "
              + record.sequence()
              + " differently; its encoding must be UTF8");
    }
    return record;
  }

  /**
   * {@link AuditChain}'s encoding of everything after the sequence number, so that the database can
   * put the previous hash and the sequence in front and hash the whole under the head's lock.
   */
  static String encodedAfterSequence(AuditEvent event) {
    StringBuilder text = new StringBuilder(256);
    field(text, event.organization().value());
    field(text, event.at().toString());
    field(text, event.actor() == null ? "" : event.actor().value());
    field(text, event.action().name());
    field(text, event.target());
    for (Map.Entry<String, String> detail : event.details().entrySet()) {
      field(text, detail.getKey());
      field(text, detail.getValue());
    }
    return text.toString();
  }

  private static void field(StringBuilder text, String value) {
    text.append(value.length()).append(':').append(value).append(';');
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
