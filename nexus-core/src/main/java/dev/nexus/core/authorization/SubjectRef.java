package dev.nexus.core.authorization;

import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.identity.UserId;
import java.util.Optional;

/**
 * Who a relationship is about: an object ({@code user:anne}), every object of a type ({@code
 * user:*}), or a userset ({@code group:eng#member}).
 */
public record SubjectRef(String type, String id, String relation) {

  /** The id that stands for every object of a type. */
  public static final String WILDCARD = "*";

  public SubjectRef {
    ObjectRef.of(type, WILDCARD.equals(id) ? "any" : id);
    if (relation != null && !relation.matches("[a-z][a-z0-9_-]{0,63}")) {
      throw new InvalidInputException("subject relation must be a lower-case relation name");
    }
    if (relation != null && WILDCARD.equals(id)) {
      throw new InvalidInputException("a wildcard subject cannot name a relation");
    }
  }

  /** The subject {@code user:<id>} for a Nexus user. */
  public static SubjectRef user(UserId user) {
    return new SubjectRef("user", user.value(), null);
  }

  /** A plain object subject, {@code type:id}. */
  public static SubjectRef of(String type, String id) {
    return new SubjectRef(type, id, null);
  }

  /** The userset {@code object#relation}. */
  public static SubjectRef userset(ObjectRef object, String relation) {
    return new SubjectRef(object.type(), object.id(), relation);
  }

  /**
   * Parses {@code type:id}, {@code type:*} or {@code type:id#relation}.
   *
   * @throws InvalidInputException when the text is not of one of those forms
   */
  public static SubjectRef parse(String text) {
    if (text == null) {
      throw new InvalidInputException("subject must be written type:id or type:id#relation");
    }
    int hash = text.indexOf('#');
    String relation = hash < 0 ? null : text.substring(hash + 1);
    ObjectRef object = ObjectRef.parse(hash < 0 ? text : text.substring(0, hash));
    return new SubjectRef(object.type(), object.id(), relation);
  }

  /** The relation of a userset, or empty for a plain object or wildcard. */
  public Optional<String> userset() {
    return Optional.ofNullable(relation);
  }

  /** Whether this is {@code type:*}. */
  public boolean isWildcard() {
    return WILDCARD.equals(id);
  }

  @Override
  public String toString() {
    return type + ":" + id + (relation == null ? "" : "#" + relation);
  }
}
