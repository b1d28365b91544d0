package dev.nexus.authz.local;

import dev.nexus.core.authorization.ObjectRef;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.core.authorization.SubjectRef;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Tuples in memory, laid out for checks that touch few cache lines: every object and user {@code
 * type:id} is interned once to a ref, and everything is stored in two arrays of longs, so the
 * garbage collector sees a handful of large arrays instead of millions of small objects and cannot
 * scatter what a check reads together.
 *
 * <ul>
 *   <li>{@code slots}: an open-addressing table (linear probing) from {@code type:id} to its ref,
 *       each slot the key's hash and the ref in one long;
 *   <li>{@code data}: blocks of power-of-two sizes with a free list per size. An object's entry
 *       (its ref is the entry's offset) holds its type, its id's characters, how many tuples name
 *       it and where its record is. The record holds one directory long per (relation, kind) with
 *       up to {@value #INLINE_LIMIT} elements inline after the directory; a larger set gets a block
 *       of its own, an open-addressing set of longs.
 * </ul>
 *
 * An object is usually one table slot, one entry and one record: three cache misses. Entries that
 * no tuple names any more are freed. Not thread-safe.
 *
 * <p>Limitations: the arrays never shrink, a freed block is reused only for one of the same size,
 * and a set that grew past the inline limit keeps its own block until it is empty.
 */
public final class InMemoryTupleIndex implements TupleIndex, TupleView {

  private static final int INLINE_LIMIT = 16;

  /** The count of a directory long whose set lives in a block of its own. */
  private static final int LARGE = 0xFF;

  /** Entry: [type << 32 | length] [record << 32 | tuples naming it] [characters, four a long]. */
  private static final int ENTRY_HEADER = 2;

  /** Record: [directory size << 32 | block size] [position in its type's list] [directory]. */
  private static final int RECORD_HEADER = 2;

  private long[] data = new long[64];

  /** The first unallocated long of {@code data}; offset 0 is never a block, so 0 means none. */
  private int top = 1;

  /** The first free block of each size class, linked through the block's first long. */
  private final int[] freeBlocks = new int[32];

  private long[] slots = new long[16];
  private int entries;

  /** The refs of the objects of each type (by type id) that have a record. */
  private int[][] objectsByType = new int[16][];

  private int[] objectCounts = new int[16];
  private long size;

  // ---------------------------------------------------------------- TupleReader (strings)

  @Override
  public boolean contains(
      String objectType,
      String objectId,
      String relation,
      String userType,
      String userId,
      String userRelation) {
    int object = find(Names.find(objectType), objectId);
    int relationId = Names.find(relation);
    int userTypeId = Names.find(userType);
    if (object < 0 || relationId < 0 || userTypeId < 0) {
      return false;
    }
    if (userRelation == null && SubjectRef.WILDCARD.equals(userId)) {
      return contains(object, relationId, WILDCARDS, userTypeId);
    }
    int user = find(userTypeId, userId);
    if (user < 0) {
      return false;
    }
    if (userRelation == null) {
      return contains(object, relationId, OBJECTS, (long) user << 32);
    }
    int userRelationId = Names.find(userRelation);
    return userRelationId > 0
        && contains(object, relationId, USERSETS, (long) user << 32 | userRelationId);
  }

  @Override
  public boolean visitUsers(
      String objectType, String objectId, String relation, boolean usersets, UserVisitor visitor) {
    int object = find(Names.find(objectType), objectId);
    int relationId = Names.find(relation);
    if (object < 0 || relationId < 0) {
      return false;
    }
    long handle = users(object, relationId, usersets ? USERSETS : OBJECTS);
    for (int i = 0, n = (int) handle; i < n; i++) {
      long element = elementAt(handle, i);
      if (element == 0) {
        continue;
      }
      int user = (int) (element >>> 32);
      String userRelation = usersets ? Names.name((int) element) : null;
      if (visitor.visit(Names.name(typeOf(user)), idOf(user), userRelation)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void forEachObjectId(String objectType, Consumer<String> sink) {
    int type = Names.find(objectType);
    if (type > 0) {
      forEachObject(type, ref -> sink.accept(idOf(ref)));
    }
  }

  // ---------------------------------------------------------------- TupleView (numbers)

  @Override
  public int find(int type, String id) {
    if (type <= 0) {
      return -1;
    }
    int hash = hash(type, id);
    long[] table = slots;
    int mask = table.length - 1;
    for (int i = hash & mask; ; i = (i + 1) & mask) {
      long slot = table[i];
      if (slot == 0) {
        return -1;
      }
      if ((int) (slot >>> 32) == hash && matches((int) slot, type, id)) {
        return (int) slot;
      }
    }
  }

  @Override
  public int typeOf(int ref) {
    return (int) (data[ref] >>> 32);
  }

  @Override
  public String idOf(int ref) {
    long[] words = data;
    int length = (int) words[ref];
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      chars[i] = (char) (words[ref + ENTRY_HEADER + (i >> 2)] >>> ((i & 3) << 4));
    }
    return new String(chars);
  }

  @Override
  public boolean contains(int object, int relation, int kind, long element) {
    long directory = directory(object, key(relation, kind));
    if (directory == 0) {
      return false;
    }
    long[] words = data;
    int count = count(directory);
    int at = (int) directory;
    if (count != LARGE) {
      for (int end = at + count; at < end; at++) {
        if (words[at] == element) {
          return true;
        }
      }
      return false;
    }
    int capacity = (int) (words[at] >>> 32);
    for (int i = home(element, capacity); ; i = i + 1 == capacity ? 0 : i + 1) {
      long stored = words[at + 1 + i];
      if (stored == element) {
        return true;
      }
      if (stored == 0) {
        return false;
      }
    }
  }

  @Override
  public long users(int object, int relation, int kind) {
    long directory = directory(object, key(relation, kind));
    if (directory == 0) {
      return 0;
    }
    int count = count(directory);
    int at = (int) directory;
    if (count != LARGE) {
      return (long) at << 32 | count;
    }
    return (long) (at + 1) << 32 | (data[at] >>> 32);
  }

  @Override
  public long elementAt(long handle, int position) {
    return data[(int) (handle >>> 32) + position];
  }

  @Override
  public void forEachObject(int type, IntConsumer sink) {
    if (type <= 0 || type >= objectsByType.length || objectsByType[type] == null) {
      return;
    }
    int[] refs = objectsByType[type];
    for (int i = 0, n = objectCounts[type]; i < n; i++) {
      sink.accept(refs[i]);
    }
  }

  // ---------------------------------------------------------------- TupleIndex (writes)

  @Override
  public boolean add(RelationshipTuple tuple) {
    Objects.requireNonNull(tuple, "tuple");
    ObjectRef objectRef = tuple.object();
    SubjectRef subject = tuple.subject();
    int relation = Names.intern(tuple.relation());
    int userType = Names.intern(subject.type());
    int object = intern(Names.intern(objectRef.type()), objectRef.id());
    int user = 0;
    int kind;
    long element;
    if (subject.isWildcard()) {
      kind = WILDCARDS;
      element = userType;
    } else {
      user = intern(userType, subject.id());
      kind = subject.relation() == null ? OBJECTS : USERSETS;
      element =
          kind == OBJECTS
              ? (long) user << 32
              : (long) user << 32 | Names.intern(subject.relation());
    }
    if (contains(object, relation, kind, element)) {
      return false;
    }
    insert(object, key(relation, kind), element);
    retain(object);
    if (user != 0) {
      retain(user);
    }
    size++;
    return true;
  }

  @Override
  public boolean remove(RelationshipTuple tuple) {
    Objects.requireNonNull(tuple, "tuple");
    ObjectRef objectRef = tuple.object();
    SubjectRef subject = tuple.subject();
    int relation = Names.find(tuple.relation());
    int userType = Names.find(subject.type());
    int object = find(Names.find(objectRef.type()), objectRef.id());
    if (relation < 0 || userType < 0 || object < 0) {
      return false;
    }
    int user = 0;
    int kind;
    long element;
    if (subject.isWildcard()) {
      kind = WILDCARDS;
      element = userType;
    } else {
      user = find(userType, subject.id());
      int userRelation = subject.relation() == null ? 0 : Names.find(subject.relation());
      if (user < 0 || userRelation < 0) {
        return false;
      }
      kind = userRelation == 0 ? OBJECTS : USERSETS;
      element = (long) user << 32 | userRelation;
    }
    if (!delete(object, key(relation, kind), element)) {
      return false;
    }
    release(object);
    if (user != 0) {
      release(user);
    }
    size--;
    return true;
  }

  @Override
  public void forEachTupleOf(ObjectRef object, Consumer<RelationshipTuple> sink) {
    int ref = find(Names.find(object.type()), object.id());
    if (ref > 0) {
      emitTuples(ref, object, sink);
    }
  }

  @Override
  public void forEach(Consumer<RelationshipTuple> sink) {
    for (int type = 1; type < objectsByType.length; type++) {
      int[] refs = objectsByType[type];
      for (int i = 0, n = objectCounts[type]; i < n; i++) {
        emitTuples(refs[i], ObjectRef.of(Names.name(type), idOf(refs[i])), sink);
      }
    }
  }

  @Override
  public long size() {
    return size;
  }

  private void emitTuples(int ref, ObjectRef object, Consumer<RelationshipTuple> sink) {
    int record = recordOf(ref);
    if (record == 0) {
      return;
    }
    int directories = (int) (data[record] >>> 32);
    for (int d = 0; d < directories; d++) {
      long directory = data[record + RECORD_HEADER + d];
      int key = (int) (directory >>> 40);
      String relation = Names.name(key >>> 2);
      int kind = key & 3;
      long handle = users(ref, key >>> 2, kind);
      for (int i = 0, n = (int) handle; i < n; i++) {
        long element = elementAt(handle, i);
        if (element != 0) {
          sink.accept(new RelationshipTuple(subject(kind, element), relation, object));
        }
      }
    }
  }

  private SubjectRef subject(int kind, long element) {
    if (kind == WILDCARDS) {
      return SubjectRef.of(Names.name((int) element), SubjectRef.WILDCARD);
    }
    int user = (int) (element >>> 32);
    String type = Names.name(typeOf(user));
    return kind == OBJECTS
        ? SubjectRef.of(type, idOf(user))
        : new SubjectRef(type, idOf(user), Names.name((int) element));
  }

  // ---------------------------------------------------------------- entries and the table

  private static int hash(int type, String id) {
    int h = id.hashCode() * 0x9E3779B9 + type;
    h ^= h >>> 15;
    h *= 0x85EBCA6B;
    return h ^ (h >>> 13);
  }

  private boolean matches(int ref, int type, String id) {
    long[] words = data;
    int length = id.length();
    if (words[ref] != ((long) type << 32 | length)) {
      return false;
    }
    int at = ref + ENTRY_HEADER;
    for (int i = 0; i < length; i += 4, at++) {
      if (words[at] != pack(id, i, length)) {
        return false;
      }
    }
    return true;
  }

  /** Up to four characters of {@code id} from {@code from}, the first in the lowest bits. */
  private static long pack(String id, int from, int length) {
    long word = 0;
    for (int i = Math.min(from + 4, length) - 1; i >= from; i--) {
      word = word << 16 | id.charAt(i);
    }
    return word;
  }

  /** The ref of {@code type:id}, with a new entry (named by no tuple yet) when it has none. */
  private int intern(int type, String id) {
    int existing = find(type, id);
    if (existing > 0) {
      return existing;
    }
    int length = id.length();
    int ref = allocate(ENTRY_HEADER + (length + 3) / 4);
    long[] words = data;
    words[ref] = (long) type << 32 | length;
    words[ref + 1] = 0;
    for (int i = 0, at = ref + ENTRY_HEADER; i < length; i += 4, at++) {
      words[at] = pack(id, i, length);
    }
    if ((entries + 1) * 10L > slots.length * 7L) {
      resizeTable();
    }
    insertSlot(slots, (long) hash(type, id) << 32 | ref);
    entries++;
    return ref;
  }

  private void retain(int ref) {
    data[ref + 1]++;
  }

  /** Counts one tuple less naming {@code ref}; frees its entry when none is left. */
  private void release(int ref) {
    long[] words = data;
    words[ref + 1]--;
    if ((int) words[ref + 1] != 0) {
      return;
    }
    int length = (int) words[ref];
    int hash = rehash(ref);
    removeSlot(hash, ref);
    entries--;
    free(ref, ENTRY_HEADER + (length + 3) / 4);
  }

  /** The hash of an entry's key, from its type and characters. */
  private int rehash(int ref) {
    return hash(typeOf(ref), idOf(ref));
  }

  private void resizeTable() {
    long[] bigger = new long[slots.length * 2];
    for (long slot : slots) {
      if (slot != 0) {
        insertSlot(bigger, slot);
      }
    }
    slots = bigger;
  }

  private static void insertSlot(long[] table, long slot) {
    int mask = table.length - 1;
    int i = (int) (slot >>> 32) & mask;
    while (table[i] != 0) {
      i = (i + 1) & mask;
    }
    table[i] = slot;
  }

  private void removeSlot(int hash, int ref) {
    long[] table = slots;
    int mask = table.length - 1;
    int i = hash & mask;
    while ((int) table[i] != ref) {
      i = (i + 1) & mask;
    }
    table[i] = 0;
    // Shift later slots of the same probe run back, so lookups never stop at the hole.
    for (int j = (i + 1) & mask; table[j] != 0; j = (j + 1) & mask) {
      int home = (int) (table[j] >>> 32) & mask;
      boolean between = i <= j ? (i < home && home <= j) : (i < home || home <= j);
      if (!between) {
        table[i] = table[j];
        table[j] = 0;
        i = j;
      }
    }
  }

  // ---------------------------------------------------------------- records

  private static int key(int relation, int kind) {
    return relation << 2 | kind;
  }

  private static int count(long directory) {
    return (int) (directory >>> 32) & 0xFF;
  }

  private static long directoryLong(int key, int count, int at) {
    return (long) key << 40 | (long) count << 32 | (at & 0xFFFFFFFFL);
  }

  private int recordOf(int ref) {
    return ref <= 0 ? 0 : (int) (data[ref + 1] >>> 32);
  }

  /** The directory long of {@code key} in the record of {@code object}, or 0. */
  private long directory(int object, int key) {
    if (object <= 0) {
      return 0;
    }
    long[] words = data;
    int record = (int) (words[object + 1] >>> 32);
    if (record == 0) {
      return 0;
    }
    int end = record + RECORD_HEADER + (int) (words[record] >>> 32);
    for (int at = record + RECORD_HEADER; at < end; at++) {
      long directory = words[at];
      if ((int) (directory >>> 40) == key) {
        return directory;
      }
    }
    return 0;
  }

  private int directoryIndex(int record, int key) {
    int directories = (int) (data[record] >>> 32);
    for (int d = 0; d < directories; d++) {
      if ((int) (data[record + RECORD_HEADER + d] >>> 40) == key) {
        return d;
      }
    }
    return -1;
  }

  private void insert(int object, int key, long element) {
    int record = recordOf(object);
    int d = record == 0 ? -1 : directoryIndex(record, key);
    if (d < 0) {
      rewriteRecord(object, key, new long[] {element}, 1, 0);
      return;
    }
    long directory = data[record + RECORD_HEADER + d];
    int count = count(directory);
    if (count == LARGE) {
      int set = largeAdd((int) directory, element);
      data[record + RECORD_HEADER + d] = directoryLong(key, LARGE, set);
      return;
    }
    long[] elements = Arrays.copyOfRange(data, (int) directory, (int) directory + count + 1);
    elements[count] = element;
    if (count < INLINE_LIMIT) {
      rewriteRecord(object, key, elements, count + 1, 0);
      return;
    }
    int set = allocateLarge(elements.length);
    for (long each : elements) {
      set = largeAdd(set, each);
    }
    rewriteRecord(object, key, null, 0, set);
  }

  private boolean delete(int object, int key, long element) {
    int record = recordOf(object);
    int d = record == 0 ? -1 : directoryIndex(record, key);
    if (d < 0) {
      return false;
    }
    long directory = data[record + RECORD_HEADER + d];
    int count = count(directory);
    int at = (int) directory;
    if (count == LARGE) {
      if (!largeRemove(at, element)) {
        return false;
      }
      if ((int) data[at] == 0) {
        free(at, (int) (data[at] >>> 32) + 1);
        rewriteRecord(object, key, null, 0, 0);
      }
      return true;
    }
    long[] elements = new long[count];
    int kept = 0;
    for (int i = 0; i < count; i++) {
      if (data[at + i] != element) {
        elements[kept++] = data[at + i];
      }
    }
    if (kept == count) {
      return false;
    }
    rewriteRecord(object, key, elements, kept, 0);
    return true;
  }

  /**
   * Writes a new record for {@code object} in which the set {@code key} holds {@code count}
   * elements inline, or is the large set at {@code large}, or is gone (no elements and no large
   * set); frees the old record, and the record itself when no set is left.
   */
  private void rewriteRecord(int object, int key, long[] elements, int count, int large) {
    int old = recordOf(object);
    int oldDirectories = old == 0 ? 0 : (int) (data[old] >>> 32);
    int directories = 0;
    int inline = 0;
    for (int d = 0; d < oldDirectories; d++) {
      long directory = data[old + RECORD_HEADER + d];
      if ((int) (directory >>> 40) != key) {
        directories++;
        inline += count(directory) == LARGE ? 0 : count(directory);
      }
    }
    boolean keep = count > 0 || large != 0;
    if (keep) {
      directories++;
      inline += count;
    }
    int position = old == 0 ? -1 : (int) data[old + 1];
    if (directories == 0) {
      free(old, (int) data[old]);
      data[object + 1] = (int) data[object + 1];
      forgetObject(object, position);
      return;
    }
    int length = RECORD_HEADER + directories + inline;
    int record = allocate(length);
    long[] words = data;
    int directoryAt = record + RECORD_HEADER;
    int elementAt = directoryAt + directories;
    for (int d = 0; d < oldDirectories; d++) {
      long directory = words[old + RECORD_HEADER + d];
      int oldKey = (int) (directory >>> 40);
      if (oldKey == key) {
        continue;
      }
      int oldCount = count(directory);
      if (oldCount == LARGE) {
        words[directoryAt++] = directory;
      } else {
        System.arraycopy(words, (int) directory, words, elementAt, oldCount);
        words[directoryAt++] = directoryLong(oldKey, oldCount, elementAt);
        elementAt += oldCount;
      }
    }
    if (large != 0) {
      words[directoryAt] = directoryLong(key, LARGE, large);
    } else if (count > 0) {
      System.arraycopy(elements, 0, words, elementAt, count);
      words[directoryAt] = directoryLong(key, count, elementAt);
    }
    words[record] = (long) directories << 32 | length;
    if (old == 0) {
      position = rememberObject(object);
    } else {
      free(old, (int) words[old]);
    }
    words[record + 1] = position;
    words[object + 1] = (long) record << 32 | (words[object + 1] & 0xFFFFFFFFL);
  }

  private int rememberObject(int object) {
    int type = typeOf(object);
    if (type >= objectsByType.length) {
      int length = Math.max(type + 1, objectsByType.length * 2);
      objectsByType = Arrays.copyOf(objectsByType, length);
      objectCounts = Arrays.copyOf(objectCounts, length);
    }
    int[] refs = objectsByType[type];
    int count = objectCounts[type];
    if (refs == null) {
      refs = new int[8];
    } else if (count == refs.length) {
      refs = Arrays.copyOf(refs, count * 2);
    }
    refs[count] = object;
    objectsByType[type] = refs;
    objectCounts[type] = count + 1;
    return count;
  }

  private void forgetObject(int object, int position) {
    int type = typeOf(object);
    int[] refs = objectsByType[type];
    int last = --objectCounts[type];
    int moved = refs[last];
    refs[position] = moved;
    refs[last] = 0;
    if (moved != object) {
      data[recordOf(moved) + 1] = position;
    }
  }

  // ---------------------------------------------------------------- large sets

  /** A large set: [capacity << 32 | size] then {@code capacity} slots, 0 for unused. */
  private int allocateLarge(int elements) {
    int blockSize = INLINE_LIMIT * 2;
    while (blockSize - 1 < elements * 2) {
      blockSize *= 2;
    }
    int set = allocate(blockSize);
    Arrays.fill(data, set + 1, set + blockSize, 0L);
    data[set] = (long) (blockSize - 1) << 32;
    return set;
  }

  private static int home(long element, int capacity) {
    long mixed = element * 0x9E3779B97F4A7C15L;
    return (int) (((mixed >>> 32) * capacity) >>> 32);
  }

  /** Adds {@code element} (not yet present) to the large set; returns the set, maybe moved. */
  private int largeAdd(int set, long element) {
    long header = data[set];
    int capacity = (int) (header >>> 32);
    int count = (int) header;
    if ((count + 1) * 2 > capacity) {
      int bigger = allocateLarge((count + 1) * 2);
      for (int i = 0; i < capacity; i++) {
        long stored = data[set + 1 + i];
        if (stored != 0) {
          largePut(bigger, stored);
        }
      }
      free(set, capacity + 1);
      set = bigger;
    }
    largePut(set, element);
    return set;
  }

  private void largePut(int set, long element) {
    long[] words = data;
    int capacity = (int) (words[set] >>> 32);
    int i = home(element, capacity);
    while (words[set + 1 + i] != 0) {
      i = i + 1 == capacity ? 0 : i + 1;
    }
    words[set + 1 + i] = element;
    words[set]++;
  }

  private boolean largeRemove(int set, long element) {
    long[] words = data;
    int capacity = (int) (words[set] >>> 32);
    int base = set + 1;
    int i = home(element, capacity);
    while (words[base + i] != element) {
      if (words[base + i] == 0) {
        return false;
      }
      i = i + 1 == capacity ? 0 : i + 1;
    }
    words[base + i] = 0;
    words[set]--;
    for (int j = i + 1 == capacity ? 0 : i + 1;
        words[base + j] != 0;
        j = j + 1 == capacity ? 0 : j + 1) {
      int home = home(words[base + j], capacity);
      boolean between = i <= j ? (i < home && home <= j) : (i < home || home <= j);
      if (!between) {
        words[base + i] = words[base + j];
        words[base + j] = 0;
        i = j;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- blocks

  private static int sizeClass(int longs) {
    return 32 - Integer.numberOfLeadingZeros(Math.max(longs, 2) - 1);
  }

  /** A block of at least {@code longs} longs (the next power of two), its contents undefined. */
  private int allocate(int longs) {
    int sizeClass = sizeClass(longs);
    int block = freeBlocks[sizeClass];
    if (block != 0) {
      freeBlocks[sizeClass] = (int) data[block];
      return block;
    }
    int blockSize = 1 << sizeClass;
    // Blocks of up to a cache line start on one of their own size (an array's elements start 16
    // bytes into it), so reading an entry or a small record costs one line, not two.
    int align = Math.min(blockSize, 8);
    int start = ((top + 2 + align - 1) & -align) - 2;
    if (start < 1) {
      start += align;
    }
    long end = (long) start + blockSize;
    if (end > data.length) {
      if (end > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("the in-memory tuple index is full");
      }
      long grown = Math.min(Integer.MAX_VALUE - 8, Math.max(end, data.length * 3L / 2));
      data = Arrays.copyOf(data, (int) grown);
    }
    top = (int) end;
    return start;
  }

  private void free(int block, int longs) {
    int sizeClass = sizeClass(longs);
    data[block] = freeBlocks[sizeClass];
    freeBlocks[sizeClass] = block;
  }
}
