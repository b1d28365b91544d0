package dev.nexus.core.authorization;

import java.util.List;

/** Writes and reads the tuples that an {@link Authorizer} evaluates. */
public interface RelationshipStore {

  /**
   * Writes and deletes tuples in one step: either every change applies or none does. Writing a
   * tuple that exists, or deleting one that does not, is not an error.
   */
  void write(List<RelationshipTuple> writes, List<RelationshipTuple> deletes);

  /** Every stored tuple about {@code object}, in no particular order. */
  List<RelationshipTuple> read(ObjectRef object);
}
