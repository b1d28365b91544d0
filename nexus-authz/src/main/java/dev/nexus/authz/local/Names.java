package dev.nexus.authz.local;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Type and relation names as small positive ints, shared by every model and index of the process,
 * so a compiled relation and a stored tuple name the same relation with the same number. Names are
 * few (they come from models and from tuples a model allowed), so none is ever forgotten. Safe for
 * concurrent use: reads take no lock.
 */
final class Names {

  /** Returned by {@link #find} for a name never interned. */
  static final int UNKNOWN = -1;

  /** The largest id: ids share a 32-bit word with a two-bit kind in the in-memory index. */
  static final int MAX_ID = (1 << 22) - 1;

  private static final ConcurrentHashMap<String, Integer> IDS = new ConcurrentHashMap<>();
  private static volatile String[] byId = new String[64];
  private static int next = 1;

  private Names() {}

  /** The id of {@code name}, or {@link #UNKNOWN} when it was never interned. */
  static int find(String name) {
    Integer id = IDS.get(name);
    return id == null ? UNKNOWN : id;
  }

  /** The id of {@code name}, given a new one when it has none yet. */
  static int intern(String name) {
    Integer id = IDS.get(name);
    return id != null ? id : register(name);
  }

  /** The name with id {@code id}. */
  static String name(int id) {
    return byId[id];
  }

  private static synchronized int register(String name) {
    Integer existing = IDS.get(name);
    if (existing != null) {
      return existing;
    }
    if (next > MAX_ID) {
      throw new IllegalStateException("more than " + MAX_ID + " type and relation names");
    }
    int id = next++;
    String[] names = byId;
    if (id == names.length) {
      names = Arrays.copyOf(names, names.length * 2);
    }
    names[id] = name.intern();
    byId = names;
    // Published after the array: a reader that finds the id also sees its name.
    IDS.put(names[id], id);
    return id;
  }
}
