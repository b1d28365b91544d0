package dev.nexus.core.authorization;

import dev.nexus.core.error.InvalidInputException;
import java.util.Objects;

/** One fact of the authorization model: {@code subject} has {@code relation} on {@code object}. */
public record RelationshipTuple(SubjectRef subject, String relation, ObjectRef object) {

  public RelationshipTuple {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(object, "object");
    if (relation == null || !relation.matches("[a-z][a-z0-9_-]{0,63}")) {
      throw new InvalidInputException("relation must be a lower-case relation name");
    }
  }

  /** Parses the three OpenFGA strings of a tuple. */
  public static RelationshipTuple of(String subject, String relation, String object) {
    return new RelationshipTuple(SubjectRef.parse(subject), relation, ObjectRef.parse(object));
  }

  @Override
  public String toString() {
    return subject + " " + relation + " " + object;
  }
}
