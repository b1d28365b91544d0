package dev.nexus.authz.local;

import java.util.function.IntConsumer;

/**
 * The reads of one resolution, on numbers instead of strings: objects are refs (what {@link #find}
 * returns), types and relations are {@link Names} ids, and the users of one object and relation are
 * kept as three sets of longs, one per {@code kind}:
 *
 * <ul>
 *   <li>{@link #OBJECTS}: a plain object {@code type:id} as {@code ref << 32};
 *   <li>{@link #USERSETS}: {@code type:id#relation} as {@code ref << 32 | relation};
 *   <li>{@link #WILDCARDS}: {@code type:*} as the type's id.
 * </ul>
 *
 * No element is zero. A view is not thread-safe and is valid only while the tuples do not change.
 */
interface TupleView {

  int OBJECTS = 0;
  int USERSETS = 1;
  int WILDCARDS = 2;

  /** The ref of {@code type:id}, or a negative number when no tuple names that object. */
  int find(int type, String id);

  /** The type id of the object {@code ref}. */
  int typeOf(int ref);

  /** The id string of the object {@code ref}. */
  String idOf(int ref);

  /** Whether the set {@code kind} of {@code object#relation} holds {@code element}. */
  boolean contains(int object, int relation, int kind, long element);

  /**
   * A handle on the set {@code kind} of {@code object#relation}, or 0 when it is empty. Its low 32
   * bits are the number of positions to read with {@link #elementAt}.
   */
  long users(int object, int relation, int kind);

  /** The element at {@code position} of the set {@code handle}, or 0 for an unused position. */
  long elementAt(long handle, int position);

  /** Hands {@code sink} the ref of every object of {@code type} that has at least one tuple. */
  void forEachObject(int type, IntConsumer sink);
}
