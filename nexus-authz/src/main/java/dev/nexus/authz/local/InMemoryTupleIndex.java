package dev.nexus.authz.local;

import dev.nexus.core.authorization.ObjectRef;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.core.authorization.SubjectRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Tuples in memory, indexed by object type, object id and relation (what checks read), which also
 * gives every object of a type (what lists read). Small sets are kept as arrays to save memory; a
 * relation with many users of one type switches to a hash set. Not thread-safe.
 */
public final class InMemoryTupleIndex implements TupleIndex {

  private final HashMap<String, HashMap<String, ObjectEntry>> byType = new HashMap<>();
  private long size;

  @Override
  public boolean contains(
      String objectType,
      String objectId,
      String relation,
      String userType,
      String userId,
      String userRelation) {
    RelationEntry entry = entry(objectType, objectId, relation);
    if (entry == null) {
      return false;
    }
    return userRelation == null
        ? entry.containsObject(userType, userId)
        : entry.containsUserset(userType, userId, userRelation);
  }

  @Override
  public boolean visitUsers(
      String objectType, String objectId, String relation, boolean usersets, UserVisitor visitor) {
    RelationEntry entry = entry(objectType, objectId, relation);
    if (entry == null) {
      return false;
    }
    return usersets ? entry.visitUsersets(visitor) : entry.visitObjects(visitor);
  }

  @Override
  public void forEachObjectId(String objectType, Consumer<String> sink) {
    HashMap<String, ObjectEntry> objects = byType.get(objectType);
    if (objects != null) {
      objects.keySet().forEach(sink);
    }
  }

  @Override
  public boolean add(RelationshipTuple tuple) {
    Objects.requireNonNull(tuple, "tuple");
    ObjectRef object = tuple.object();
    ObjectEntry objectEntry =
        byType
            .computeIfAbsent(object.type().intern(), type -> new HashMap<>())
            .computeIfAbsent(object.id(), id -> new ObjectEntry());
    // Types and relation names are few: interned, they are shared and compare by identity.
    RelationEntry entry = objectEntry.getOrCreate(tuple.relation().intern());
    SubjectRef user = tuple.subject();
    boolean added =
        user.relation() == null
            ? entry.addObject(user.type().intern(), user.id())
            : entry.addUserset(user.type().intern(), user.id(), user.relation().intern());
    if (added) {
      size++;
    }
    return added;
  }

  @Override
  public boolean remove(RelationshipTuple tuple) {
    Objects.requireNonNull(tuple, "tuple");
    ObjectRef object = tuple.object();
    HashMap<String, ObjectEntry> objects = byType.get(object.type());
    ObjectEntry objectEntry = objects == null ? null : objects.get(object.id());
    RelationEntry entry = objectEntry == null ? null : objectEntry.get(tuple.relation());
    if (entry == null) {
      return false;
    }
    SubjectRef user = tuple.subject();
    boolean removed =
        user.relation() == null
            ? entry.removeObject(user.type(), user.id())
            : entry.removeUserset(user.type(), user.id(), user.relation());
    if (!removed) {
      return false;
    }
    size--;
    if (entry.isEmpty()) {
      objectEntry.remove(tuple.relation());
      if (objectEntry.isEmpty()) {
        objects.remove(object.id());
        if (objects.isEmpty()) {
          byType.remove(object.type());
        }
      }
    }
    return true;
  }

  @Override
  public void forEachTupleOf(ObjectRef object, Consumer<RelationshipTuple> sink) {
    HashMap<String, ObjectEntry> objects = byType.get(object.type());
    ObjectEntry entry = objects == null ? null : objects.get(object.id());
    if (entry != null) {
      entry.forEach(object, sink);
    }
  }

  @Override
  public void forEach(Consumer<RelationshipTuple> sink) {
    for (Map.Entry<String, HashMap<String, ObjectEntry>> type : byType.entrySet()) {
      for (Map.Entry<String, ObjectEntry> object : type.getValue().entrySet()) {
        object.getValue().forEach(ObjectRef.of(type.getKey(), object.getKey()), sink);
      }
    }
  }

  @Override
  public long size() {
    return size;
  }

  private RelationEntry entry(String objectType, String objectId, String relation) {
    HashMap<String, ObjectEntry> objects = byType.get(objectType);
    if (objects == null) {
      return null;
    }
    ObjectEntry object = objects.get(objectId);
    return object == null ? null : object.get(relation);
  }

  /** The relations of one object, as parallel arrays: objects rarely have more than a few. */
  private static final class ObjectEntry {
    private String[] relations = new String[2];
    private RelationEntry[] entries = new RelationEntry[2];
    private int count;

    RelationEntry get(String relation) {
      String[] names = relations;
      for (int i = 0; i < count; i++) {
        if (names[i] == relation) {
          return entries[i];
        }
      }
      for (int i = 0; i < count; i++) {
        if (names[i].equals(relation)) {
          return entries[i];
        }
      }
      return null;
    }

    RelationEntry getOrCreate(String relation) {
      RelationEntry existing = get(relation);
      if (existing != null) {
        return existing;
      }
      if (count == relations.length) {
        relations = Arrays.copyOf(relations, count * 2);
        entries = Arrays.copyOf(entries, count * 2);
      }
      RelationEntry created = new RelationEntry();
      relations[count] = relation;
      entries[count] = created;
      count++;
      return created;
    }

    void remove(String relation) {
      for (int i = 0; i < count; i++) {
        if (relations[i].equals(relation)) {
          count--;
          relations[i] = relations[count];
          entries[i] = entries[count];
          relations[count] = null;
          entries[count] = null;
          return;
        }
      }
    }

    boolean isEmpty() {
      return count == 0;
    }

    void forEach(ObjectRef object, Consumer<RelationshipTuple> sink) {
      for (int i = 0; i < count; i++) {
        entries[i].forEach(object, relations[i], sink);
      }
    }
  }

  /** The users of one object and relation: plain objects and wildcards by type, and usersets. */
  private static final class RelationEntry {
    private String[] userTypes = new String[1];
    private IdSet[] ids = new IdSet[1];
    private int typeCount;
    private ArrayList<String[]> usersets;

    boolean containsObject(String userType, String userId) {
      IdSet set = ids(userType);
      return set != null && set.contains(userId);
    }

    boolean containsUserset(String userType, String userId, String userRelation) {
      return indexOfUserset(userType, userId, userRelation) >= 0;
    }

    boolean visitObjects(UserVisitor visitor) {
      for (int i = 0; i < typeCount; i++) {
        String type = userTypes[i];
        if (ids[i].visit(type, visitor)) {
          return true;
        }
      }
      return false;
    }

    boolean visitUsersets(UserVisitor visitor) {
      ArrayList<String[]> list = usersets;
      if (list == null) {
        return false;
      }
      for (int i = 0, n = list.size(); i < n; i++) {
        String[] userset = list.get(i);
        if (visitor.visit(userset[0], userset[1], userset[2])) {
          return true;
        }
      }
      return false;
    }

    boolean addObject(String userType, String userId) {
      IdSet set = ids(userType);
      if (set == null) {
        if (typeCount == userTypes.length) {
          userTypes = Arrays.copyOf(userTypes, typeCount * 2);
          ids = Arrays.copyOf(ids, typeCount * 2);
        }
        set = new IdSet();
        userTypes[typeCount] = userType;
        ids[typeCount] = set;
        typeCount++;
      }
      return set.add(userId);
    }

    boolean removeObject(String userType, String userId) {
      for (int i = 0; i < typeCount; i++) {
        if (userTypes[i].equals(userType)) {
          boolean removed = ids[i].remove(userId);
          if (ids[i].isEmpty()) {
            typeCount--;
            userTypes[i] = userTypes[typeCount];
            ids[i] = ids[typeCount];
            userTypes[typeCount] = null;
            ids[typeCount] = null;
          }
          return removed;
        }
      }
      return false;
    }

    boolean addUserset(String userType, String userId, String userRelation) {
      if (indexOfUserset(userType, userId, userRelation) >= 0) {
        return false;
      }
      if (usersets == null) {
        usersets = new ArrayList<>(2);
      }
      usersets.add(new String[] {userType, userId, userRelation});
      return true;
    }

    boolean removeUserset(String userType, String userId, String userRelation) {
      int index = indexOfUserset(userType, userId, userRelation);
      if (index < 0) {
        return false;
      }
      usersets.remove(index);
      if (usersets.isEmpty()) {
        usersets = null;
      }
      return true;
    }

    boolean isEmpty() {
      return typeCount == 0 && usersets == null;
    }

    void forEach(ObjectRef object, String relation, Consumer<RelationshipTuple> sink) {
      for (int i = 0; i < typeCount; i++) {
        String type = userTypes[i];
        ids[i].visit(
            type,
            (userType, userId, ignored) -> {
              sink.accept(new RelationshipTuple(SubjectRef.of(userType, userId), relation, object));
              return false;
            });
        ids[i].visitWildcard(
            type,
            userType ->
                sink.accept(
                    new RelationshipTuple(
                        SubjectRef.of(userType, SubjectRef.WILDCARD), relation, object)));
      }
      if (usersets != null) {
        for (String[] userset : usersets) {
          sink.accept(
              new RelationshipTuple(
                  new SubjectRef(userset[0], userset[1], userset[2]), relation, object));
        }
      }
    }

    private IdSet ids(String userType) {
      String[] types = userTypes;
      for (int i = 0; i < typeCount; i++) {
        if (types[i] == userType || types[i].equals(userType)) {
          return ids[i];
        }
      }
      return null;
    }

    private int indexOfUserset(String userType, String userId, String userRelation) {
      ArrayList<String[]> list = usersets;
      if (list == null) {
        return -1;
      }
      for (int i = 0, n = list.size(); i < n; i++) {
        String[] userset = list.get(i);
        if (userset[1].equals(userId)
            && userset[2].equals(userRelation)
            && userset[0].equals(userType)) {
          return i;
        }
      }
      return -1;
    }
  }

  /**
   * A set of ids: an array while small, a hash set beyond {@value #ARRAY_LIMIT}. The wildcard id
   * {@code *} is a flag, so visiting plain objects never sees it.
   */
  private static final class IdSet {
    private static final int ARRAY_LIMIT = 8;

    private String[] small = new String[1];

    /** The hash of each id in {@code small}, compared first so most ids are never loaded. */
    private int[] hashes = new int[1];

    private int count;
    private HashSet<String> large;
    private boolean wildcard;

    boolean contains(String id) {
      if (SubjectRef.WILDCARD.equals(id)) {
        return wildcard;
      }
      if (large != null) {
        return large.contains(id);
      }
      int hash = id.hashCode();
      int[] known = hashes;
      for (int i = 0; i < count; i++) {
        if (known[i] == hash && small[i].equals(id)) {
          return true;
        }
      }
      return false;
    }

    boolean add(String id) {
      if (SubjectRef.WILDCARD.equals(id)) {
        boolean added = !wildcard;
        wildcard = true;
        return added;
      }
      if (large != null) {
        return large.add(id);
      }
      if (contains(id)) {
        return false;
      }
      if (count == ARRAY_LIMIT) {
        large = new HashSet<>(Arrays.asList(small).subList(0, count));
        small = null;
        hashes = null;
        count = 0;
        return large.add(id);
      }
      if (count == small.length) {
        small = Arrays.copyOf(small, Math.min(ARRAY_LIMIT, count * 2));
        hashes = Arrays.copyOf(hashes, small.length);
      }
      hashes[count] = id.hashCode();
      small[count++] = id;
      return true;
    }

    boolean remove(String id) {
      if (SubjectRef.WILDCARD.equals(id)) {
        boolean removed = wildcard;
        wildcard = false;
        return removed;
      }
      if (large != null) {
        return large.remove(id);
      }
      for (int i = 0; i < count; i++) {
        if (small[i].equals(id)) {
          count--;
          small[i] = small[count];
          hashes[i] = hashes[count];
          small[count] = null;
          return true;
        }
      }
      return false;
    }

    boolean isEmpty() {
      return !wildcard && (large == null ? count == 0 : large.isEmpty());
    }

    boolean visit(String type, UserVisitor visitor) {
      if (large != null) {
        for (String id : large) {
          if (visitor.visit(type, id, null)) {
            return true;
          }
        }
        return false;
      }
      for (int i = 0; i < count; i++) {
        if (visitor.visit(type, small[i], null)) {
          return true;
        }
      }
      return false;
    }

    void visitWildcard(String type, Consumer<String> sink) {
      if (wildcard) {
        sink.accept(type);
      }
    }
  }
}
