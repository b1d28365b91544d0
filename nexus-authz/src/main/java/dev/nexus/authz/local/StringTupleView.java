package dev.nexus.authz.local;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * A {@link TupleView} over any {@link TupleReader}: it numbers the objects one request meets as it
 * meets them, and copies each set it is asked for. Slower than the in-memory index read directly;
 * it serves requests with contextual tuples and indexes other than {@link InMemoryTupleIndex}. One
 * instance serves one request.
 */
final class StringTupleView implements TupleView {

  private record Key(int type, String id) {}

  private final TupleReader reader;
  private final HashMap<Key, Integer> refs = new HashMap<>();
  private final List<Key> keys = new ArrayList<>(List.of(new Key(0, "")));
  private final List<long[]> sets = new ArrayList<>();

  StringTupleView(TupleReader reader) {
    this.reader = reader;
  }

  @Override
  public int find(int type, String id) {
    if (type <= 0) {
      return -1;
    }
    Key key = new Key(type, id);
    Integer ref = refs.get(key);
    if (ref != null) {
      return ref;
    }
    keys.add(key);
    refs.put(key, keys.size() - 1);
    return keys.size() - 1;
  }

  @Override
  public int typeOf(int ref) {
    return keys.get(ref).type();
  }

  @Override
  public String idOf(int ref) {
    return keys.get(ref).id();
  }

  @Override
  public boolean contains(int object, int relation, int kind, long element) {
    Key target = keys.get(object);
    String type = Names.name(target.type());
    String name = Names.name(relation);
    if (kind == WILDCARDS) {
      return reader.contains(type, target.id(), name, Names.name((int) element), "*", null);
    }
    Key user = keys.get((int) (element >>> 32));
    String userRelation = kind == USERSETS ? Names.name((int) element) : null;
    return reader.contains(
        type, target.id(), name, Names.name(user.type()), user.id(), userRelation);
  }

  @Override
  public long users(int object, int relation, int kind) {
    if (kind == WILDCARDS) {
      throw new IllegalArgumentException("wildcards are only looked up, not listed");
    }
    Key target = keys.get(object);
    long[][] found = {new long[4]};
    int[] count = {0};
    reader.visitUsers(
        Names.name(target.type()),
        target.id(),
        Names.name(relation),
        kind == USERSETS,
        (userType, userId, userRelation) -> {
          long element = (long) find(Names.intern(userType), userId) << 32;
          if (userRelation != null) {
            element |= Names.intern(userRelation);
          }
          if (count[0] == found[0].length) {
            found[0] = Arrays.copyOf(found[0], count[0] * 2);
          }
          found[0][count[0]++] = element;
          return false;
        });
    if (count[0] == 0) {
      return 0;
    }
    sets.add(found[0]);
    return (long) (sets.size() - 1) << 32 | count[0];
  }

  @Override
  public long elementAt(long handle, int position) {
    return sets.get((int) (handle >>> 32))[position];
  }

  @Override
  public void forEachObject(int type, IntConsumer sink) {
    List<String> ids = new ArrayList<>();
    reader.forEachObjectId(Names.name(type), ids::add);
    for (String id : ids) {
      sink.accept(find(type, id));
    }
  }
}
