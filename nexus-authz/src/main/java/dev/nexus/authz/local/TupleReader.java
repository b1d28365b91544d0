package dev.nexus.authz.local;

import java.util.function.Consumer;

/**
 * The reads the evaluator makes while resolving a check or a list: indexed by object and relation
 * (for checks) and by object type (for lists). Users are given in parts: type, id ({@code *} for a
 * wildcard) and, for a userset, its relation (otherwise null).
 */
public interface TupleReader {

  /** Receives the users of one object and relation; returning true stops the visit. */
  @FunctionalInterface
  interface UserVisitor {
    boolean visit(String userType, String userId, String userRelation);
  }

  /**
   * Whether the tuple {@code userType:userId[#userRelation] relation objectType:objectId} exists.
   */
  boolean contains(
      String objectType,
      String objectId,
      String relation,
      String userType,
      String userId,
      String userRelation);

  /**
   * Visits the users of {@code objectType:objectId#relation} that are usersets ({@code
   * usersets=true}) or plain objects other than wildcards ({@code usersets=false}).
   *
   * @return true when the visitor stopped the visit
   */
  boolean visitUsers(
      String objectType, String objectId, String relation, boolean usersets, UserVisitor visitor);

  /**
   * Hands {@code sink} the id of every object of {@code objectType} that has at least one tuple.
   */
  void forEachObjectId(String objectType, Consumer<String> sink);
}
