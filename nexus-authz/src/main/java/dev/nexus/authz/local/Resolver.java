package dev.nexus.authz.local;

import java.util.Arrays;

/**
 * Resolves checks for one user against one view of the tuples, following OpenFGA's semantics. A
 * path that comes back to an object and relation already being resolved is a cycle: it counts as
 * neither true nor false, so that a union can still succeed through another branch while an
 * exclusion or intersection that depends on it fails, as in OpenFGA. It reads a {@link TupleView},
 * so objects, types and relations are numbers and a check allocates nothing beyond the resolver.
 * Not thread-safe: one resolver serves one request.
 */
final class Resolver {

  static final int FALSE = 0;
  static final int TRUE = 1;
  static final int CYCLE = 2;

  /** OpenFGA's default limit on nested resolutions of one check. */
  static final int MAX_DEPTH = 25;

  /** The ref of a requested object that no tuple names. */
  static final int UNKNOWN_OBJECT = -1;

  /** The ref of a user that no tuple names (or a wildcard), unless it is the requested object. */
  static final int UNKNOWN_USER = -2;

  private final TupleView tuples;
  private final int userType;
  private final int user;
  private final int userRelation;
  private final boolean wildcardUser;

  /** The user as an element of the set {@link TupleView#OBJECTS} or {@link TupleView#USERSETS}. */
  private final long userElement;

  private RelationDef[] pathRelations = new RelationDef[8];
  private int[] pathObjects = new int[8];
  private int depth;

  /**
   * A resolver for the user {@code user} (a ref of {@code tuples}, or {@link #UNKNOWN_USER}) of
   * type {@code userType}, with {@code userRelation} for a userset (0 otherwise); type and relation
   * are {@link Names} ids.
   */
  Resolver(TupleView tuples, int userType, int user, int userRelation, boolean wildcardUser) {
    this.tuples = tuples;
    this.userType = userType;
    this.user = user;
    this.userRelation = userRelation;
    this.wildcardUser = wildcardUser;
    this.userElement = (long) user << 32 | userRelation;
  }

  /** The user's ref, {@link #UNKNOWN_USER} when no tuple names it. */
  int user() {
    return user;
  }

  /**
   * Whether the user has {@code relation} on the object {@code object} (a ref of the view, of type
   * {@code relation.type}, or {@link #UNKNOWN_OBJECT}).
   *
   * @throws DepthExceeded when resolution nests deeper than {@link #MAX_DEPTH}
   */
  int check(RelationDef relation, int object) {
    if (userRelation != 0
        && userRelation == relation.nameId
        && user == object
        && userType == relation.typeId) {
      return TRUE;
    }
    RelationDef[] relations = pathRelations;
    int[] objects = pathObjects;
    for (int i = 0; i < depth; i++) {
      if (relations[i] == relation && objects[i] == object) {
        return CYCLE;
      }
    }
    if (depth == MAX_DEPTH) {
      throw DepthExceeded.INSTANCE;
    }
    if (depth == relations.length) {
      pathRelations = relations = Arrays.copyOf(relations, MAX_DEPTH);
      pathObjects = objects = Arrays.copyOf(objects, MAX_DEPTH);
    }
    relations[depth] = relation;
    objects[depth] = object;
    depth++;
    try {
      return rewrite(relation, relation.rewrite, object);
    } finally {
      // The slot is left as it is: depth bounds the path, and every slot is written before use.
      depth--;
    }
  }

  private int rewrite(RelationDef relation, Rewrite rewrite, int object) {
    if (rewrite instanceof Rewrite.Direct) {
      return direct(relation, object);
    }
    if (rewrite instanceof Rewrite.Computed computed) {
      return check(computed.target, object);
    }
    if (rewrite instanceof Rewrite.Union union) {
      return union(relation, union.children, object);
    }
    if (rewrite instanceof Rewrite.TupleToUserset ttu) {
      return tupleToUserset(relation, ttu, object);
    }
    if (rewrite instanceof Rewrite.Intersection intersection) {
      return intersection(relation, intersection.children, object);
    }
    return difference(relation, (Rewrite.Difference) rewrite, object);
  }

  private int union(RelationDef relation, Rewrite[] children, int object) {
    int result = FALSE;
    DepthExceeded error = null;
    for (Rewrite child : children) {
      int value;
      try {
        value = rewrite(relation, child, object);
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

  private int intersection(RelationDef relation, Rewrite[] children, int object) {
    int result = TRUE;
    DepthExceeded error = null;
    for (Rewrite child : children) {
      int value;
      try {
        value = rewrite(relation, child, object);
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

  private int difference(RelationDef relation, Rewrite.Difference difference, int object) {
    int base;
    try {
      base = rewrite(relation, difference.base, object);
    } catch (DepthExceeded e) {
      if (rewrite(relation, difference.subtract, object) == TRUE) {
        return FALSE;
      }
      throw e;
    }
    if (base == FALSE) {
      return FALSE;
    }
    int subtract = rewrite(relation, difference.subtract, object);
    if (subtract == TRUE) {
      return FALSE;
    }
    return base == CYCLE || subtract == CYCLE ? CYCLE : TRUE;
  }

  private int direct(RelationDef relation, int object) {
    if (object < 0) {
      return FALSE;
    }
    int name = relation.nameId;
    if (userRelation == 0) {
      if (!wildcardUser
          && user > 0
          && relation.allowsObject(userType)
          && tuples.contains(object, name, TupleView.OBJECTS, userElement)) {
        return TRUE;
      }
      if (relation.allowsWildcard(userType)
          && tuples.contains(object, name, TupleView.WILDCARDS, userType)) {
        return TRUE;
      }
    } else if (user > 0
        && relation.usersetTarget(userType, userRelation) != null
        && tuples.contains(object, name, TupleView.USERSETS, userElement)) {
      return TRUE;
    }
    if (!relation.hasUsersets()) {
      return FALSE;
    }
    long usersets = tuples.users(object, name, TupleView.USERSETS);
    int result = FALSE;
    boolean tooDeep = false;
    for (int i = 0, n = (int) usersets; i < n; i++) {
      long element = tuples.elementAt(usersets, i);
      if (element == 0) {
        continue;
      }
      int set = (int) (element >>> 32);
      RelationDef target = relation.usersetTarget(tuples.typeOf(set), (int) element);
      if (target == null) {
        continue;
      }
      int value;
      try {
        value = check(target, set);
      } catch (DepthExceeded e) {
        tooDeep = true;
        continue;
      }
      if (value == TRUE) {
        return TRUE;
      }
      if (value == CYCLE) {
        result = CYCLE;
      }
    }
    if (tooDeep) {
      throw DepthExceeded.INSTANCE;
    }
    return result;
  }

  private int tupleToUserset(RelationDef relation, Rewrite.TupleToUserset ttu, int object) {
    if (object < 0) {
      return FALSE;
    }
    RelationDef tupleset = ttu.tupleset;
    long parents = tuples.users(object, tupleset.nameId, TupleView.OBJECTS);
    int result = FALSE;
    boolean tooDeep = false;
    for (int i = 0, n = (int) parents; i < n; i++) {
      long element = tuples.elementAt(parents, i);
      if (element == 0) {
        continue;
      }
      int parent = (int) (element >>> 32);
      int parentType = tuples.typeOf(parent);
      RelationDef target = ttu.target(parentType);
      if (target == null || !tupleset.allowsObject(parentType)) {
        continue;
      }
      int value;
      try {
        value = check(target, parent);
      } catch (DepthExceeded e) {
        tooDeep = true;
        continue;
      }
      if (value == TRUE) {
        return TRUE;
      }
      if (value == CYCLE) {
        result = CYCLE;
      }
    }
    if (tooDeep) {
      throw DepthExceeded.INSTANCE;
    }
    return result;
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
