package dev.nexus.authz.local;

import dev.nexus.core.authorization.ObjectRef;
import dev.nexus.core.authorization.RelationshipTuple;
import java.util.function.Consumer;

/**
 * The embedded evaluator's tuple storage: the reads of {@link TupleReader} plus writes. An
 * implementation need not be thread-safe: {@link LocalFgaAuthorizer} guards it with a read-write
 * lock (many readers or one writer).
 */
public interface TupleIndex extends TupleReader {

  /** Adds a tuple; returns false when it was already there. */
  boolean add(RelationshipTuple tuple);

  /** Removes a tuple; returns false when it was not there. */
  boolean remove(RelationshipTuple tuple);

  /** Hands {@code sink} every tuple about {@code object}. */
  void forEachTupleOf(ObjectRef object, Consumer<RelationshipTuple> sink);

  /** Hands {@code sink} every tuple. */
  void forEach(Consumer<RelationshipTuple> sink);

  /** How many tuples are stored. */
  long size();
}
