package dev.nexus.authz.local;

/** A compiled relation rewrite of the authorization model: how a relation is derived. */
sealed interface Rewrite
    permits Rewrite.Direct,
        Rewrite.Computed,
        Rewrite.TupleToUserset,
        Rewrite.Union,
        Rewrite.Intersection,
        Rewrite.Difference {

  /** {@code [types]}: the tuples stored on the relation itself. */
  final class Direct implements Rewrite {
    static final Direct INSTANCE = new Direct();

    private Direct() {}
  }

  /** Another relation of the same object. */
  final class Computed implements Rewrite {
    final String relation;
    RelationDef target;

    Computed(String relation) {
      this.relation = relation;
    }
  }

  /** {@code computed from tupleset}: the computed relation on each object the tupleset names. */
  final class TupleToUserset implements Rewrite {
    final String tuplesetRelation;
    final String computedRelation;
    RelationDef tupleset;

    /**
     * The computed relation on each type the tupleset may name ({@link Names} ids in {@code
     * targetTypes}, definitions in {@code targets}); a type where it is not defined is left out.
     */
    int[] targetTypes = new int[0];

    RelationDef[] targets = new RelationDef[0];

    TupleToUserset(String tuplesetRelation, String computedRelation) {
      this.tuplesetRelation = tuplesetRelation;
      this.computedRelation = computedRelation;
    }

    /** The computed relation on objects of {@code type}, or null when it has none. */
    RelationDef target(int type) {
      int[] types = targetTypes;
      for (int i = 0; i < types.length; i++) {
        if (types[i] == type) {
          return targets[i];
        }
      }
      return null;
    }
  }

  /** Any of the children. */
  final class Union implements Rewrite {
    final Rewrite[] children;

    Union(Rewrite[] children) {
      this.children = children;
    }
  }

  /** All of the children. */
  final class Intersection implements Rewrite {
    final Rewrite[] children;

    Intersection(Rewrite[] children) {
      this.children = children;
    }
  }

  /** {@code base but not subtract}. */
  final class Difference implements Rewrite {
    final Rewrite base;
    final Rewrite subtract;

    Difference(Rewrite base, Rewrite subtract) {
      this.base = base;
      this.subtract = subtract;
    }
  }
}
