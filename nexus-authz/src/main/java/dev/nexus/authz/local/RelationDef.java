package dev.nexus.authz.local;

/**
 * One relation of one type in a compiled model: its rewrite and, when tuples may be written to it,
 * the user types those tuples may name.
 */
final class RelationDef {

  final String type;
  final String name;
  final Rewrite rewrite;

  /** {@link Names} ids of {@link #type} and {@link #name}. */
  final int typeId;

  final int nameId;

  /** Plain user types allowed directly, such as {@code user} in {@code [user]}. */
  final String[] objectTypes;

  /** Types allowed as a wildcard, such as {@code user} in {@code [user:*]}. */
  final String[] wildcardTypes;

  /** Usersets allowed directly, such as {@code group#member}; resolved after compilation. */
  final String[] usersetTypes;

  final String[] usersetRelations;
  RelationDef[] usersetTargets;

  /** The same restrictions as {@link Names} ids, for the resolver. */
  private final int[] objectTypeIds;

  private final int[] wildcardTypeIds;
  private final int[] usersetTypeIds;
  private final int[] usersetRelationIds;

  RelationDef(
      String type,
      String name,
      Rewrite rewrite,
      String[] objectTypes,
      String[] wildcardTypes,
      String[] usersetTypes,
      String[] usersetRelations) {
    this.type = type;
    this.name = name;
    this.rewrite = rewrite;
    this.objectTypes = objectTypes;
    this.wildcardTypes = wildcardTypes;
    this.usersetTypes = usersetTypes;
    this.usersetRelations = usersetRelations;
    this.usersetTargets = new RelationDef[usersetTypes.length];
    this.typeId = Names.intern(type);
    this.nameId = Names.intern(name);
    this.objectTypeIds = ids(objectTypes);
    this.wildcardTypeIds = ids(wildcardTypes);
    this.usersetTypeIds = ids(usersetTypes);
    this.usersetRelationIds = ids(usersetRelations);
  }

  /** Whether tuples may be written to this relation at all. */
  boolean assignable() {
    return objectTypes.length + wildcardTypes.length + usersetTypes.length > 0;
  }

  boolean allowsObject(String userType) {
    return contains(objectTypes, userType);
  }

  boolean allowsWildcard(String userType) {
    return contains(wildcardTypes, userType);
  }

  boolean hasUsersets() {
    return usersetTypes.length > 0;
  }

  /** The relation a stored userset points at, or null when the model does not allow it here. */
  RelationDef usersetTarget(String userType, String userRelation) {
    String[] types = usersetTypes;
    for (int i = 0; i < types.length; i++) {
      if ((types[i] == userType || types[i].equals(userType))
          && (usersetRelations[i] == userRelation || usersetRelations[i].equals(userRelation))) {
        return usersetTargets[i];
      }
    }
    return null;
  }

  boolean allowsObject(int userType) {
    return contains(objectTypeIds, userType);
  }

  boolean allowsWildcard(int userType) {
    return contains(wildcardTypeIds, userType);
  }

  /** {@link #usersetTarget(String, String)} by {@link Names} ids. */
  RelationDef usersetTarget(int userType, int userRelation) {
    int[] types = usersetTypeIds;
    for (int i = 0; i < types.length; i++) {
      if (types[i] == userType && usersetRelationIds[i] == userRelation) {
        return usersetTargets[i];
      }
    }
    return null;
  }

  private static boolean contains(int[] values, int value) {
    for (int candidate : values) {
      if (candidate == value) {
        return true;
      }
    }
    return false;
  }

  private static int[] ids(String[] names) {
    int[] ids = new int[names.length];
    for (int i = 0; i < names.length; i++) {
      ids[i] = Names.intern(names[i]);
    }
    return ids;
  }

  private static boolean contains(String[] values, String value) {
    for (String candidate : values) {
      if (candidate == value || candidate.equals(value)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return type + "#" + name;
  }
}
