package dev.nexus.core.authorization;

import java.util.List;
import java.util.Objects;

/**
 * Asks whether {@code subject} has {@code relation} on {@code object}, optionally with tuples that
 * hold for this request only.
 */
public record CheckRequest(
    SubjectRef subject,
    String relation,
    ObjectRef object,
    List<RelationshipTuple> contextualTuples) {

  public CheckRequest {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(relation, "relation");
    Objects.requireNonNull(object, "object");
    contextualTuples = List.copyOf(contextualTuples);
  }

  public static CheckRequest of(SubjectRef subject, String relation, ObjectRef object) {
    return new CheckRequest(subject, relation, object, List.of());
  }
}
