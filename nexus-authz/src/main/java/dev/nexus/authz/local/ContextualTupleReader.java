package dev.nexus.authz.local;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/** The stored tuples with a request's contextual tuples laid over them. */
final class ContextualTupleReader implements TupleReader {

  private final TupleReader stored;
  private final TupleReader contextual;

  ContextualTupleReader(TupleReader stored, TupleReader contextual) {
    this.stored = stored;
    this.contextual = contextual;
  }

  @Override
  public boolean contains(
      String objectType,
      String objectId,
      String relation,
      String userType,
      String userId,
      String userRelation) {
    return contextual.contains(objectType, objectId, relation, userType, userId, userRelation)
        || stored.contains(objectType, objectId, relation, userType, userId, userRelation);
  }

  @Override
  public boolean visitUsers(
      String objectType, String objectId, String relation, boolean usersets, UserVisitor visitor) {
    return contextual.visitUsers(objectType, objectId, relation, usersets, visitor)
        || stored.visitUsers(objectType, objectId, relation, usersets, visitor);
  }

  @Override
  public void forEachObjectId(String objectType, Consumer<String> sink) {
    Set<String> seen = new HashSet<>();
    contextual.forEachObjectId(objectType, seen::add);
    seen.forEach(sink);
    stored.forEachObjectId(
        objectType,
        id -> {
          if (!seen.contains(id)) {
            sink.accept(id);
          }
        });
  }
}
