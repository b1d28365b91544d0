package dev.nexus.authz.local;

import dev.nexus.core.authorization.Authorizer;
import dev.nexus.core.authorization.CheckRequest;
import dev.nexus.core.authorization.Decision;
import dev.nexus.core.authorization.ObjectRef;
import dev.nexus.core.authorization.RelationshipStore;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.core.authorization.SubjectRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Consumer;

/**
 * An OpenFGA-compatible evaluator that runs inside the process: it answers checks, batch checks and
 * list-objects requests against an {@link FgaModel} and keeps the tuples in a {@link TupleIndex}.
 * With a durable {@link RelationshipStore} underneath, it loads every tuple from it at start and
 * writes through it before changing its index.
 *
 * <p>Semantics follow OpenFGA: direct types with wildcards and usersets, computed usersets,
 * tuple-to-userset, union, intersection and exclusion, contextual tuples; tuples that the current
 * model's type restrictions do not allow are ignored when reading and refused when writing; a cycle
 * resolves to not allowed; resolution nested more than 25 deep fails with OpenFGA's {@code
 * authorization_model_resolution_too_complex}. Safe for concurrent use: any number of readers, one
 * writer at a time.
 *
 * <p>Limitations: list-objects checks every object of the requested type that has tuples, so its
 * cost grows with the number of such objects; conditions are not supported (see {@link FgaModel}).
 */
public final class LocalFgaAuthorizer implements Authorizer, RelationshipStore {

  private final FgaModel model;
  private final Storage storage;

  /** An evaluator of {@code model} over an empty in-memory index. */
  public LocalFgaAuthorizer(FgaModel model) {
    this(model, new InMemoryTupleIndex());
  }

  /** An evaluator of {@code model} over {@code index}, which it now owns. */
  public LocalFgaAuthorizer(FgaModel model, TupleIndex index) {
    this(model, new Storage(Objects.requireNonNull(index, "index"), null));
  }

  private LocalFgaAuthorizer(FgaModel model, Storage storage) {
    this.model = Objects.requireNonNull(model, "model");
    this.storage = storage;
  }

  /**
   * An evaluator of {@code model} on top of a durable store: every tuple of {@code durable} is
   * loaded into an in-memory index now (without re-validating them), and every write goes to {@code
   * durable} first and reaches the index only when the durable write succeeded.
   */
  public static LocalFgaAuthorizer writingThrough(FgaModel model, RelationshipStore durable) {
    Objects.requireNonNull(durable, "durable");
    InMemoryTupleIndex index = new InMemoryTupleIndex();
    durable.scan(index::add);
    return new LocalFgaAuthorizer(model, new Storage(index, durable));
  }

  /**
   * An evaluator of another model over the same tuples, lock and durable store as this one, for
   * example after the model was changed. Tuples that the new model does not allow are ignored by
   * it, as in OpenFGA.
   */
  public LocalFgaAuthorizer withModel(FgaModel newModel) {
    return new LocalFgaAuthorizer(newModel, storage);
  }

  /** The model this evaluator answers with. */
  public FgaModel model() {
    return model;
  }

  @Override
  public Decision check(CheckRequest request) {
    Objects.requireNonNull(request, "request");
    boolean allowed = isAllowed(request);
    // One concatenation, so a check builds one string besides the decision.
    ObjectRef object = request.object();
    return allowed
        ? Decision.allow(
            "the authorization model grants "
                + request.relation()
                + " on "
                + object.type()
                + ":"
                + object.id())
        : Decision.deny(
            "the authorization model does not grant "
                + request.relation()
                + " on "
                + object.type()
                + ":"
                + object.id());
  }

  /**
   * Whether the request is allowed, without building a {@link Decision}.
   *
   * @throws FgaException when the request names a type or relation the model does not have, a
   *     contextual tuple breaks the model's type restrictions, or resolution is too deep
   */
  public boolean isAllowed(CheckRequest request) {
    Objects.requireNonNull(request, "request");
    ObjectRef object = request.object();
    RelationDef relation = model.relation(object.type(), request.relation());
    if (relation == null) {
      throw new FgaException(
          FgaErrorCode.VALIDATION_ERROR,
          model.hasType(object.type())
              ? "relation '"
                  + request.relation()
                  + "' is not defined on type '"
                  + object.type()
                  + "'"
              : "type '" + object.type() + "' is not in the authorization model");
    }
    SubjectRef user = request.subject();
    validateUser(user);
    TupleReader contextual = contextual(request.contextualTuples());
    Lock lock = storage.readLock;
    lock.lock();
    try {
      TupleView view = storage.view(contextual);
      Resolver resolver = resolver(view, user);
      int ref = view.find(relation.typeId, object.id());
      if (ref < 0) {
        // No tuple names the object; it can still be the user itself (document:1#viewer).
        boolean itself =
            resolver.user() == Resolver.UNKNOWN_USER
                && !user.isWildcard()
                && relation.type.equals(user.type())
                && object.id().equals(user.id());
        ref = itself ? Resolver.UNKNOWN_USER : Resolver.UNKNOWN_OBJECT;
      }
      return resolve(resolver, relation, ref);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<Decision> batchCheck(List<CheckRequest> requests) {
    Objects.requireNonNull(requests, "requests");
    List<Decision> decisions = new ArrayList<>(requests.size());
    for (CheckRequest request : requests) {
      decisions.add(check(request));
    }
    return decisions;
  }

  @Override
  public List<ObjectRef> listObjects(SubjectRef subject, String relation, String type) {
    return listObjects(subject, relation, type, List.of());
  }

  /**
   * The objects of {@code type} on which {@code subject} has {@code relation}, with {@code
   * contextualTuples} holding for this request only.
   *
   * @throws FgaException with {@code type_not_found} or {@code relation_not_found} when the model
   *     lacks them, {@code validation_error} for a user the model does not know, {@code
   *     invalid_tuple} for a contextual tuple the model does not allow
   */
  public List<ObjectRef> listObjects(
      SubjectRef subject, String relation, String type, List<RelationshipTuple> contextualTuples) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(relation, "relation");
    Objects.requireNonNull(type, "type");
    if (!model.hasType(type)) {
      throw new FgaException(
          FgaErrorCode.TYPE_NOT_FOUND, "type '" + type + "' is not in the authorization model");
    }
    RelationDef definition = model.relation(type, relation);
    if (definition == null) {
      throw new FgaException(
          FgaErrorCode.RELATION_NOT_FOUND,
          "relation '" + relation + "' is not defined on type '" + type + "'");
    }
    validateUser(subject);
    TupleReader contextual = contextual(contextualTuples);
    List<ObjectRef> objects = new ArrayList<>();
    Lock lock = storage.readLock;
    lock.lock();
    try {
      TupleView view = storage.view(contextual);
      Resolver resolver = resolver(view, subject);
      view.forEachObject(
          definition.typeId,
          ref -> {
            if (resolve(resolver, definition, ref)) {
              objects.add(ObjectRef.of(type, view.idOf(ref)));
            }
          });
    } finally {
      lock.unlock();
    }
    return objects;
  }

  /**
   * Writes and deletes tuples in one step; writing a tuple that exists or deleting one that does
   * not is not an error.
   *
   * @throws FgaException with {@code invalid_tuple} when a written tuple breaks the model's type
   *     restrictions, or {@code cannot_allow_duplicate_tuples_in_one_request} when a tuple is both
   *     written and deleted; nothing is changed then
   */
  @Override
  public void write(List<RelationshipTuple> writes, List<RelationshipTuple> deletes) {
    write(writes, deletes, false);
  }

  /**
   * Writes and deletes tuples in one step as OpenFGA's write does: writing a tuple that exists or
   * deleting one that does not fails the whole request with {@code
   * write_failed_due_to_invalid_input}, and nothing is changed.
   */
  public void writeStrictly(List<RelationshipTuple> writes, List<RelationshipTuple> deletes) {
    write(writes, deletes, true);
  }

  private void write(
      List<RelationshipTuple> writes, List<RelationshipTuple> deletes, boolean strict) {
    Objects.requireNonNull(writes, "writes");
    Objects.requireNonNull(deletes, "deletes");
    Set<RelationshipTuple> seen = new HashSet<>();
    for (RelationshipTuple tuple : writes) {
      validateTuple(tuple, FgaErrorCode.INVALID_TUPLE);
      refuseDuplicate(seen, tuple);
    }
    for (RelationshipTuple tuple : deletes) {
      Objects.requireNonNull(tuple, "deletes");
      refuseDuplicate(seen, tuple);
    }
    storage.writer.lock();
    try {
      if (strict) {
        refuseExistingOrMissing(writes, deletes);
      }
      if (storage.durable != null) {
        storage.durable.write(writes, deletes);
      }
      Lock lock = storage.writeLock;
      lock.lock();
      try {
        deletes.forEach(storage.index::remove);
        writes.forEach(storage.index::add);
      } finally {
        lock.unlock();
      }
    } finally {
      storage.writer.unlock();
    }
  }

  /** Whether the tuple is stored. */
  public boolean contains(RelationshipTuple tuple) {
    Objects.requireNonNull(tuple, "tuple");
    Lock lock = storage.readLock;
    lock.lock();
    try {
      return containsUnlocked(tuple);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<RelationshipTuple> read(ObjectRef object) {
    Objects.requireNonNull(object, "object");
    List<RelationshipTuple> tuples = new ArrayList<>();
    Lock lock = storage.readLock;
    lock.lock();
    try {
      storage.index.forEachTupleOf(object, tuples::add);
    } finally {
      lock.unlock();
    }
    return tuples;
  }

  @Override
  public void scan(Consumer<RelationshipTuple> sink) {
    Objects.requireNonNull(sink, "sink");
    List<RelationshipTuple> tuples = new ArrayList<>();
    Lock lock = storage.readLock;
    lock.lock();
    try {
      storage.index.forEach(tuples::add);
    } finally {
      lock.unlock();
    }
    tuples.forEach(sink);
  }

  /** How many tuples are stored. */
  public long size() {
    Lock lock = storage.readLock;
    lock.lock();
    try {
      return storage.index.size();
    } finally {
      lock.unlock();
    }
  }

  private static Resolver resolver(TupleView view, SubjectRef user) {
    int type = Names.find(user.type());
    int relation = user.relation() == null ? 0 : Names.find(user.relation());
    boolean wildcard = user.isWildcard();
    int ref = wildcard ? -1 : view.find(type, user.id());
    return new Resolver(view, type, ref < 0 ? Resolver.UNKNOWN_USER : ref, relation, wildcard);
  }

  private static boolean resolve(Resolver resolver, RelationDef relation, int object) {
    try {
      return resolver.check(relation, object) == Resolver.TRUE;
    } catch (Resolver.DepthExceeded e) {
      throw new FgaException(
          FgaErrorCode.AUTHORIZATION_MODEL_RESOLUTION_TOO_COMPLEX,
          "resolution too complex: the check of "
              + relation
              + " nests more than "
              + Resolver.MAX_DEPTH
              + " relations deep");
    }
  }

  private void validateUser(SubjectRef user) {
    if (!model.hasType(user.type())) {
      throw new FgaException(
          FgaErrorCode.VALIDATION_ERROR,
          "user type '" + user.type() + "' is not in the authorization model");
    }
    if (user.relation() != null && !model.hasRelation(user.type(), user.relation())) {
      throw new FgaException(
          FgaErrorCode.VALIDATION_ERROR,
          "relation '" + user.relation() + "' is not defined on type '" + user.type() + "'");
    }
  }

  private TupleReader contextual(List<RelationshipTuple> tuples) {
    if (tuples.isEmpty()) {
      return null;
    }
    InMemoryTupleIndex index = new InMemoryTupleIndex();
    for (RelationshipTuple tuple : tuples) {
      validateTuple(tuple, FgaErrorCode.INVALID_TUPLE);
      index.add(tuple);
    }
    return index;
  }

  private void validateTuple(RelationshipTuple tuple, FgaErrorCode code) {
    Objects.requireNonNull(tuple, "tuple");
    ObjectRef object = tuple.object();
    SubjectRef user = tuple.subject();
    RelationDef relation = model.relation(object.type(), tuple.relation());
    String reason;
    if (!model.hasType(object.type())) {
      reason = "type '" + object.type() + "' is not in the authorization model";
    } else if (relation == null) {
      reason = "relation '" + object.type() + "#" + tuple.relation() + "' is not in the model";
    } else if (!model.hasType(user.type())) {
      reason = "type '" + user.type() + "' is not in the authorization model";
    } else if (user.relation() != null && !model.hasRelation(user.type(), user.relation())) {
      reason = "relation '" + user.type() + "#" + user.relation() + "' is not in the model";
    } else if (user.isWildcard()
        ? relation.allowsWildcard(user.type())
        : user.relation() == null
            ? relation.allowsObject(user.type())
            : relation.usersetTarget(user.type(), user.relation()) != null) {
      return;
    } else {
      String restriction =
          user.isWildcard()
              ? user.type() + ":*"
              : user.relation() == null ? user.type() : user.type() + "#" + user.relation();
      reason =
          "type '" + restriction + "' is not an allowed type restriction for '" + relation + "'";
    }
    throw new FgaException(
        code,
        "Invalid tuple '" + object + "#" + tuple.relation() + "@" + user + "'. Reason: " + reason);
  }

  private static void refuseDuplicate(Set<RelationshipTuple> seen, RelationshipTuple tuple) {
    if (!seen.add(tuple)) {
      throw new FgaException(
          FgaErrorCode.CANNOT_ALLOW_DUPLICATE_TUPLES_IN_ONE_REQUEST,
          "duplicate tuple in one write request: " + tuple);
    }
  }

  private void refuseExistingOrMissing(
      List<RelationshipTuple> writes, List<RelationshipTuple> deletes) {
    Lock lock = storage.readLock;
    lock.lock();
    try {
      for (RelationshipTuple tuple : writes) {
        if (containsUnlocked(tuple)) {
          throw new FgaException(
              FgaErrorCode.WRITE_FAILED_DUE_TO_INVALID_INPUT,
              "cannot write a tuple which already exists: " + tuple);
        }
      }
      for (RelationshipTuple tuple : deletes) {
        if (!containsUnlocked(tuple)) {
          throw new FgaException(
              FgaErrorCode.WRITE_FAILED_DUE_TO_INVALID_INPUT,
              "cannot delete a tuple which does not exist: " + tuple);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private boolean containsUnlocked(RelationshipTuple tuple) {
    SubjectRef user = tuple.subject();
    ObjectRef object = tuple.object();
    return storage.index.contains(
        object.type(), object.id(), tuple.relation(), user.type(), user.id(), user.relation());
  }

  /** The tuples and their locks, shared by evaluators of different models. */
  private static final class Storage {
    final TupleIndex index;
    final RelationshipStore durable;

    /** The index when it can be read by number directly; null for other implementations. */
    private final InMemoryTupleIndex memory;

    /**
     * Readers and the writer. A StampedLock, because taking its read lock stores no object
     * reference: ReentrantReadWriteLock records its first reader in a field, and with G1 that store
     * into a long-lived object costs a card-marking barrier on every check.
     */
    private final StampedLock lock = new StampedLock();

    final Lock readLock = lock.asReadLock();
    final Lock writeLock = lock.asWriteLock();

    /** Keeps writes in one order in the durable store and the index. */
    final ReentrantLock writer = new ReentrantLock();

    Storage(TupleIndex index, RelationshipStore durable) {
      this.index = index;
      this.durable = durable;
      this.memory = index instanceof InMemoryTupleIndex direct ? direct : null;
    }

    /** What a request reads: the index itself, or a copying view with contextual tuples. */
    TupleView view(TupleReader contextual) {
      if (contextual == null && memory != null) {
        return memory;
      }
      return new StringTupleView(
          contextual == null ? index : new ContextualTupleReader(index, contextual));
    }
  }
}
