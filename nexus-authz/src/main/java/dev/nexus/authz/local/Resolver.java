package dev.nexus.authz.local;

/**
 * Resolves checks for one user against one view of the tuples, following OpenFGA's semantics. A
 * path that comes back to an object and relation already being resolved is a cycle: it counts as
 * neither true nor false, so that a union can still succeed through another branch while an
 * exclusion or intersection that depends on it fails, as in OpenFGA. Not thread-safe: one resolver
 * serves one request.
 */
final class Resolver {

  static final int FALSE = 0;
  static final int TRUE = 1;
  static final int CYCLE = 2;

  /** OpenFGA's default limit on nested resolutions of one check. */
  static final int MAX_DEPTH = 25;

  private final TupleReader tuples;
  private final String userType;
  private final String userId;
  private final String userRelation;
  private final boolean wildcardUser;
  private final RelationDef[] pathRelations = new RelationDef[MAX_DEPTH];
  private final String[] pathIds = new String[MAX_DEPTH];
  private int depth;

  Resolver(TupleReader tuples, String userType, String userId, String userRelation) {
    this.tuples = tuples;
    this.userType = userType;
    this.userId = userId;
    this.userRelation = userRelation;
    this.wildcardUser = "*".equals(userId);
  }

  /**
   * Whether the user has {@code relation} on the object {@code relation.type:objectId}.
   *
   * @throws DepthExceeded when resolution nests deeper than {@link #MAX_DEPTH}
   */
  int check(RelationDef relation, String objectId) {
    if (userRelation != null
        && userRelation.equals(relation.name)
        && userId.equals(objectId)
        && userType.equals(relation.type)) {
      return TRUE;
    }
    for (int i = 0; i < depth; i++) {
      if (pathRelations[i] == relation && pathIds[i].equals(objectId)) {
        return CYCLE;
      }
    }
    if (depth == MAX_DEPTH) {
      throw DepthExceeded.INSTANCE;
    }
    pathRelations[depth] = relation;
    pathIds[depth] = objectId;
    depth++;
    try {
      return rewrite(relation, relation.rewrite, objectId);
    } finally {
      // The slot is left as it is: depth bounds the path, and every slot is written before use.
      depth--;
    }
  }

  private int rewrite(RelationDef relation, Rewrite rewrite, String objectId) {
    if (rewrite instanceof Rewrite.Direct) {
      return direct(relation, objectId);
    }
    if (rewrite instanceof Rewrite.Computed computed) {
      return check(computed.target, objectId);
    }
    if (rewrite instanceof Rewrite.Union union) {
      return union(relation, union.children, objectId);
    }
    if (rewrite instanceof Rewrite.TupleToUserset ttu) {
      return tupleToUserset(relation, ttu, objectId);
    }
    if (rewrite instanceof Rewrite.Intersection intersection) {
      return intersection(relation, intersection.children, objectId);
    }
    return difference(relation, (Rewrite.Difference) rewrite, objectId);
  }

  private int union(RelationDef relation, Rewrite[] children, String objectId) {
    int result = FALSE;
    DepthExceeded error = null;
    for (Rewrite child : children) {
      int value;
      try {
        value = rewrite(relation, child, objectId);
      } catch (DepthExceeded e) {
        error = e;
        continue;
      }
      if (value == TRUE) {
        return TRUE;
      }
      if (value == CYCLE) {
        result = CYCLE;
      }
    }
    if (error != null) {
      throw error;
    }
    return result;
  }

  private int intersection(RelationDef relation, Rewrite[] children, String objectId) {
    int result = TRUE;
    DepthExceeded error = null;
    for (Rewrite child : children) {
      int value;
      try {
        value = rewrite(relation, child, objectId);
      } catch (DepthExceeded e) {
        error = e;
        continue;
      }
      if (value == FALSE) {
        return FALSE;
      }
      if (value == CYCLE) {
        result = CYCLE;
      }
    }
    if (error != null) {
      throw error;
    }
    return result;
  }

  private int difference(RelationDef relation, Rewrite.Difference difference, String objectId) {
    int base;
    try {
      base = rewrite(relation, difference.base, objectId);
    } catch (DepthExceeded e) {
      if (rewrite(relation, difference.subtract, objectId) == TRUE) {
        return FALSE;
      }
      throw e;
    }
    if (base == FALSE) {
      return FALSE;
    }
    int subtract = rewrite(relation, difference.subtract, objectId);
    if (subtract == TRUE) {
      return FALSE;
    }
    return base == CYCLE || subtract == CYCLE ? CYCLE : TRUE;
  }

  private int direct(RelationDef relation, String objectId) {
    String type = relation.type;
    String name = relation.name;
    if (userRelation == null) {
      if (!wildcardUser
          && relation.allowsObject(userType)
          && tuples.contains(type, objectId, name, userType, userId, null)) {
        return TRUE;
      }
      if (relation.allowsWildcard(userType)
          && tuples.contains(type, objectId, name, userType, "*", null)) {
        return TRUE;
      }
    } else if (relation.usersetTarget(userType, userRelation) != null
        && tuples.contains(type, objectId, name, userType, userId, userRelation)) {
      return TRUE;
    }
    if (!relation.hasUsersets()) {
      return FALSE;
    }
    Outcome outcome = new Outcome();
    tuples.visitUsers(
        type,
        objectId,
        name,
        true,
        (setType, setId, setRelation) -> {
          RelationDef target = relation.usersetTarget(setType, setRelation);
          return target != null && outcome.record(this, target, setId);
        });
    return outcome.result();
  }

  private int tupleToUserset(RelationDef relation, Rewrite.TupleToUserset ttu, String objectId) {
    RelationDef tupleset = ttu.tupleset;
    Outcome outcome = new Outcome();
    tuples.visitUsers(
        relation.type,
        objectId,
        tupleset.name,
        false,
        (parentType, parentId, ignored) -> {
          RelationDef target = ttu.targetByType.get(parentType);
          return target != null
              && tupleset.allowsObject(parentType)
              && outcome.record(this, target, parentId);
        });
    return outcome.result();
  }

  /** The union of several dispatched checks: true wins, then a depth error, then a cycle. */
  private static final class Outcome {
    private int result = FALSE;
    private DepthExceeded error;

    boolean record(Resolver resolver, RelationDef target, String objectId) {
      int value;
      try {
        value = resolver.check(target, objectId);
      } catch (DepthExceeded e) {
        error = e;
        return false;
      }
      if (value == TRUE) {
        result = TRUE;
        return true;
      }
      if (value == CYCLE) {
        result = CYCLE;
      }
      return false;
    }

    int result() {
      if (result != TRUE && error != null) {
        throw error;
      }
      return result;
    }
  }

  /** Resolution nested deeper than the limit; turned into an {@link FgaException} by callers. */
  static final class DepthExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final DepthExceeded INSTANCE = new DepthExceeded();

    private DepthExceeded() {
      super("resolution too complex", null, false, false);
    }
  }
}
