package dev.nexus.vault;

import dev.nexus.core.authorization.ObjectRef;
import dev.nexus.core.authorization.RelationshipStore;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.core.authorization.SubjectRef;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.result.ResultIterator;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The tuples of the embedded authorization evaluator on PostgreSQL. A write applies its deletes and
 * writes in one transaction; {@link #scan} streams every tuple with a server-side cursor, so
 * loading a million tuples at start does not hold them all in one result.
 *
 * <p>Tuples are not tenant rows (an object such as {@code document:7f3c} names no organization), so
 * this table has no row-level security; the evaluator on top answers per organization.
 */
public final class JdbiRelationshipStore implements RelationshipStore {

  private static final String COLUMNS =
      "object_type, object_id, relation, subject_type, subject_id, subject_relation";

  private final Jdbi jdbi;

  public JdbiRelationshipStore(Jdbi jdbi) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
  }

  @Override
  public void write(List<RelationshipTuple> writes, List<RelationshipTuple> deletes) {
    List<RelationshipTuple> toWrite = List.copyOf(writes);
    List<RelationshipTuple> toDelete = List.copyOf(deletes);
    if (toWrite.isEmpty() && toDelete.isEmpty()) {
      return;
    }
    Failures.translate(
        "writing relationship tuples",
        () ->
            jdbi.inTransaction(
                handle -> {
                  if (!toDelete.isEmpty()) {
                    PreparedBatch batch =
                        handle.prepareBatch(
                            "DELETE FROM relationship_tuple WHERE object_type = :objectType"
                                + " AND object_id = :objectId AND relation = :relation"
                                + " AND subject_type = :subjectType AND subject_id = :subjectId"
                                + " AND subject_relation = :subjectRelation");
                    toDelete.forEach(tuple -> bind(batch, tuple).add());
                    batch.execute();
                  }
                  if (!toWrite.isEmpty()) {
                    PreparedBatch batch =
                        handle.prepareBatch(
                            "INSERT INTO relationship_tuple ("
                                + COLUMNS
                                + ") VALUES (:objectType, :objectId, :relation, :subjectType,"
                                + " :subjectId, :subjectRelation) ON CONFLICT DO NOTHING");
                    toWrite.forEach(tuple -> bind(batch, tuple).add());
                    batch.execute();
                  }
                  return null;
                }));
  }

  @Override
  public List<RelationshipTuple> read(ObjectRef object) {
    Objects.requireNonNull(object, "object");
    return Failures.translate(
        "reading relationship tuples",
        () ->
            jdbi.withHandle(
                handle ->
                    handle
                        .createQuery(
                            "SELECT "
                                + COLUMNS
                                + " FROM relationship_tuple"
                                + " WHERE object_type = :type AND object_id = :id")
                        .bind("type", object.type())
                        .bind("id", object.id())
                        .map((row, context) -> readTuple(row))
                        .list()));
  }

  @Override
  public void scan(Consumer<RelationshipTuple> sink) {
    Objects.requireNonNull(sink, "sink");
    Failures.translate(
        "scanning relationship tuples",
        () ->
            jdbi.inTransaction(
                handle -> {
                  try (ResultIterator<RelationshipTuple> tuples =
                      handle
                          .createQuery("SELECT " + COLUMNS + " FROM relationship_tuple")
                          .setFetchSize(5000)
                          .map((row, context) -> readTuple(row))
                          .iterator()) {
                    tuples.forEachRemaining(sink);
                  }
                  return null;
                }));
  }

  private static PreparedBatch bind(PreparedBatch batch, RelationshipTuple tuple) {
    SubjectRef subject = tuple.subject();
    return batch
        .bind("objectType", tuple.object().type())
        .bind("objectId", tuple.object().id())
        .bind("relation", tuple.relation())
        .bind("subjectType", subject.type())
        .bind("subjectId", subject.id())
        .bind("subjectRelation", subject.relation() == null ? "" : subject.relation());
  }

  private static RelationshipTuple readTuple(ResultSet row) throws SQLException {
    String subjectRelation = row.getString("subject_relation");
    return new RelationshipTuple(
        new SubjectRef(
            row.getString("subject_type"),
            row.getString("subject_id"),
            subjectRelation.isEmpty() ? null : subjectRelation),
        row.getString("relation"),
        ObjectRef.of(row.getString("object_type"), row.getString("object_id")));
  }
}
