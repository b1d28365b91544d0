package dev.nexus.core.authorization;

import java.util.List;
import java.util.function.Consumer;

/**
 * Writes and reads the tuples that an {@link Authorizer} evaluates. An embedded evaluator may sit
 * on top of a durable store: it writes through and loads every tuple at start.
 */
public interface RelationshipStore {

  /**
   * Writes and deletes tuples in one step: either every change applies or none does. Writing a
   * tuple that exists, or deleting one that does not, is not an error.
   */
  void write(List<RelationshipTuple> writes, List<RelationshipTuple> deletes);

  /** Every stored tuple about {@code object}, in no particular order. */
  List<RelationshipTuple> read(ObjectRef object);

  /**
   * Hands every stored tuple to {@code sink}, in no particular order, for example to load an
   * embedded evaluator's index at start.
   */
  void scan(Consumer<RelationshipTuple> sink);
}
