package dev.nexus.authz.local;

import dev.nexus.core.authorization.ObjectRef;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.core.authorization.SubjectRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Tuples in memory, indexed by object type, object id and relation (what checks read), which also
 * gives every object of a type (what lists read). Small sets are kept as arrays to save memory; a
 * relation with many users of one type switches to a hash set. Not thread-safe.
 */
public final class InMemoryTupleIndex implements TupleIndex {

  private final HashMap<String, ObjectTable> byType = new HashMap<>();
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
    ObjectTable objects = byType.get(objectType);
    if (objects != null) {
      objects.forEach(entry -> sink.accept(entry.id));
    }
  }

  @Override
  public boolean add(RelationshipTuple tuple) {
    Objects.requireNonNull(tuple, "tuple");
    ObjectRef object = tuple.object();
    ObjectEntry objectEntry =
        byType
            .computeIfAbsent(object.type().intern(), type -> new ObjectTable())
            .getOrCreate(object.id());
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
    ObjectTable objects = byType.get(object.type());
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
        if (objects.size == 0) {
          byType.remove(object.type());
        }
      }
    }
    return true;
  }

  @Override
  public void forEachTupleOf(ObjectRef object, Consumer<RelationshipTuple> sink) {
    ObjectTable objects = byType.get(object.type());
    ObjectEntry entry = objects == null ? null : objects.get(object.id());
    if (entry != null) {
      entry.forEach(object, sink);
    }
  }

  @Override
  public void forEach(Consumer<RelationshipTuple> sink) {
    for (Map.Entry<String, ObjectTable> type : byType.entrySet()) {
      type.getValue().forEach(entry -> entry.forEach(ObjectRef.of(type.getKey(), entry.id), sink));
    }
  }

  @Override
  public long size() {
    return size;
  }

  private RelationEntry entry(String objectType, String objectId, String relation) {
    ObjectTable objects = byType.get(objectType);
    if (objects == null) {
      return null;
    }
    ObjectEntry object = objects.get(objectId);
    return object == null ? null : object.get(relation);
  }

  /**
   * The objects of one type by id: an open-addressing table (linear probing) of the entries
   * themselves, which hold their id and its hash, so a lookup loads no separate node.
   */
  private static final class ObjectTable {
    private ObjectEntry[] slots = new ObjectEntry[16];
    int size;

    ObjectEntry get(String id) {
      int hash = id.hashCode();
      ObjectEntry[] table = slots;
      int mask = table.length - 1;
      for (int i = spread(hash) & mask; ; i = (i + 1) & mask) {
        ObjectEntry entry = table[i];
        if (entry == null) {
          return null;
        }
        if (entry.hash == hash && (entry.id == id || entry.id.equals(id))) {
          return entry;
        }
      }
    }

    ObjectEntry getOrCreate(String id) {
      ObjectEntry existing = get(id);
      if (existing != null) {
        return existing;
      }
      if ((size + 1) * 2 > slots.length) {
        resize();
      }
      ObjectEntry created = new ObjectEntry(id);
      insert(slots, created);
      size++;
      return created;
    }

    void remove(String id) {
      int hash = id.hashCode();
      ObjectEntry[] table = slots;
      int mask = table.length - 1;
      int i = spread(hash) & mask;
      while (table[i] != null && !(table[i].hash == hash && table[i].id.equals(id))) {
        i = (i + 1) & mask;
      }
      if (table[i] == null) {
        return;
      }
      table[i] = null;
      size--;
      // Shift later entries of the same probe run back, so lookups never stop at the hole.
      for (int j = (i + 1) & mask; table[j] != null; j = (j + 1) & mask) {
        int home = spread(table[j].hash) & mask;
        boolean between = i <= j ? (i < home && home <= j) : (i < home || home <= j);
        if (!between) {
          table[i] = table[j];
          table[j] = null;
          i = j;
        }
      }
    }

    void forEach(Consumer<ObjectEntry> sink) {
      for (ObjectEntry entry : slots) {
        if (entry != null) {
          sink.accept(entry);
        }
      }
    }

    private void resize() {
      ObjectEntry[] bigger = new ObjectEntry[slots.length * 2];
      for (ObjectEntry entry : slots) {
        if (entry != null) {
          insert(bigger, entry);
        }
      }
      slots = bigger;
    }

    private static void insert(ObjectEntry[] table, ObjectEntry entry) {
      int mask = table.length - 1;
      int i = spread(entry.hash) & mask;
      while (table[i] != null) {
        i = (i + 1) & mask;
      }
      table[i] = entry;
    }

    private static int spread(int hash) {
      int mixed = hash * 0x9E3779B9;
      return mixed ^ (mixed >>> 16);
    }
  }

  /**
   * The relations of one object, as one array of (name, entry) pairs: objects rarely have more than
   * a few relations, and one array costs one memory load where two would cost two.
   */
  private static final class ObjectEntry {
    final String id;
    final int hash;
    private Object[] slots = new Object[4];
    private int count;

    ObjectEntry(String id) {
      this.id = id;
      this.hash = id.hashCode();
    }

    RelationEntry get(String relation) {
      Object[] pairs = slots;
      int end = count * 2;
      for (int i = 0; i < end; i += 2) {
        if (pairs[i] == relation) {
          return (RelationEntry) pairs[i + 1];
        }
      }
      for (int i = 0; i < end; i += 2) {
        if (pairs[i].equals(relation)) {
          return (RelationEntry) pairs[i + 1];
        }
      }
      return null;
    }

    RelationEntry getOrCreate(String relation) {
      RelationEntry existing = get(relation);
      if (existing != null) {
        return existing;
      }
      if (count * 2 == slots.length) {
        slots = Arrays.copyOf(slots, slots.length * 2);
      }
      RelationEntry created = new RelationEntry();
      slots[count * 2] = relation;
      slots[count * 2 + 1] = created;
      count++;
      return created;
    }

    void remove(String relation) {
      for (int i = 0; i < count * 2; i += 2) {
        if (slots[i].equals(relation)) {
          count--;
          slots[i] = slots[count * 2];
          slots[i + 1] = slots[count * 2 + 1];
          slots[count * 2] = null;
          slots[count * 2 + 1] = null;
          return;
        }
      }
    }

    boolean isEmpty() {
      return count == 0;
    }

    void forEach(ObjectRef object, Consumer<RelationshipTuple> sink) {
      for (int i = 0; i < count * 2; i += 2) {
        ((RelationEntry) slots[i + 1]).forEach(object, (String) slots[i], sink);
      }
    }
  }

  /**
   * The users of one object and relation: plain objects and wildcards by type, and usersets. The
   * first user type's ids sit in {@code first} (usually the only type), further types in {@code
   * others}.
   */
  private static final class RelationEntry {
    private IdSet first;
    private IdSet[] others;
    private ArrayList<String[]> usersets;

    boolean containsObject(String userType, String userId) {
      IdSet set = ids(userType);
      return set != null && set.contains(userId);
    }

    boolean containsUserset(String userType, String userId, String userRelation) {
      return indexOfUserset(userType, userId, userRelation) >= 0;
    }

    boolean visitObjects(UserVisitor visitor) {
      if (first != null && first.visit(visitor)) {
        return true;
      }
      if (others != null) {
        for (IdSet set : others) {
          if (set.visit(visitor)) {
            return true;
          }
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
        set = new IdSet(userType);
        if (first == null) {
          first = set;
        } else if (others == null) {
          others = new IdSet[] {set};
        } else {
          others = Arrays.copyOf(others, others.length + 1);
          others[others.length - 1] = set;
        }
      }
      return set.add(userId);
    }

    boolean removeObject(String userType, String userId) {
      IdSet set = ids(userType);
      if (set == null || !set.remove(userId)) {
        return false;
      }
      if (set.isEmpty()) {
        dropEmpty(set);
      }
      return true;
    }

    private void dropEmpty(IdSet set) {
      if (set == first) {
        if (others == null) {
          first = null;
        } else {
          first = others[0];
          others = others.length == 1 ? null : Arrays.copyOfRange(others, 1, others.length);
        }
        return;
      }
      List<IdSet> kept = new ArrayList<>(Arrays.asList(others));
      kept.remove(set);
      others = kept.isEmpty() ? null : kept.toArray(IdSet[]::new);
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
      return first == null && usersets == null;
    }

    void forEach(ObjectRef object, String relation, Consumer<RelationshipTuple> sink) {
      List<IdSet> sets = new ArrayList<>();
      if (first != null) {
        sets.add(first);
      }
      if (others != null) {
        sets.addAll(Arrays.asList(others));
      }
      for (IdSet set : sets) {
        set.visit(
            (userType, userId, ignored) -> {
              sink.accept(new RelationshipTuple(SubjectRef.of(userType, userId), relation, object));
              return false;
            });
        if (set.wildcard) {
          sink.accept(
              new RelationshipTuple(
                  SubjectRef.of(set.type, SubjectRef.WILDCARD), relation, object));
        }
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
      IdSet set = first;
      if (set == null) {
        return null;
      }
      if (set.type == userType || set.type.equals(userType)) {
        return set;
      }
      if (others != null) {
        for (IdSet other : others) {
          if (other.type == userType || other.type.equals(userType)) {
            return other;
          }
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

    final String type;

    private String[] small = new String[1];

    /** The hash of each id in {@code small}, compared first so most ids are never loaded. */
    private int[] hashes = new int[1];

    private int count;
    private HashSet<String> large;
    boolean wildcard;

    IdSet(String type) {
      this.type = type;
    }

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

    boolean visit(UserVisitor visitor) {
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
  }
}
