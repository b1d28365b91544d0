package dev.nexus.authz.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.core.authorization.ObjectRef;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.core.authorization.SubjectRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The in-memory index against a plain set of tuples, through many random adds and removes. */
class InMemoryTupleIndexTest {

  @Test
  void randomAddsAndRemoves_alwaysAgreeWithAPlainSet() {
    // A small id space makes tables grow, probe runs collide, small id sets turn into hash sets
    // and everything empties again.
    Random random = new Random(7);
    InMemoryTupleIndex index = new InMemoryTupleIndex();
    Set<RelationshipTuple> expected = new HashSet<>();

    for (int step = 0; step < 60_000; step++) {
      RelationshipTuple tuple = randomTuple(random);
      boolean add = random.nextInt(100) < (step < 30_000 ? 60 : 35);

      boolean changed = add ? index.add(tuple) : index.remove(tuple);

      assertThat(changed).isEqualTo(add ? expected.add(tuple) : expected.remove(tuple));
      if (step % 5_000 == 0) {
        assertAgrees(index, expected);
      }
    }
    assertAgrees(index, expected);
  }

  @Test
  void visitUsers_separatesUsersetsFromObjects_andSkipsWildcards() {
    InMemoryTupleIndex index = new InMemoryTupleIndex();
    ObjectRef doc = ObjectRef.of("document", "1");
    index.add(new RelationshipTuple(SubjectRef.of("user", "anne"), "viewer", doc));
    index.add(new RelationshipTuple(SubjectRef.of("user", "*"), "viewer", doc));
    index.add(new RelationshipTuple(SubjectRef.of("folder", "f"), "viewer", doc));
    index.add(new RelationshipTuple(SubjectRef.parse("group:eng#member"), "viewer", doc));
    List<String> objects = new ArrayList<>();
    List<String> usersets = new ArrayList<>();

    index.visitUsers("document", "1", "viewer", false, (t, id, r) -> !objects.add(t + ":" + id));
    index.visitUsers(
        "document", "1", "viewer", true, (t, id, r) -> !usersets.add(t + ":" + id + "#" + r));

    assertThat(objects).containsExactlyInAnyOrder("user:anne", "folder:f");
    assertThat(usersets).containsExactly("group:eng#member");
    assertThat(index.contains("document", "1", "viewer", "user", "*", null)).isTrue();
    assertThat(index.contains("document", "1", "viewer", "user", "bob", null)).isFalse();
  }

  @Test
  void manyUsersOnOneRelation_growIntoALargeSet_andEmptyAgain() {
    // Past sixteen users a set leaves its object's record for a hash set of its own.
    Random random = new Random(11);
    InMemoryTupleIndex index = new InMemoryTupleIndex();
    Set<RelationshipTuple> expected = new HashSet<>();
    ObjectRef doc = ObjectRef.of("doc", "big");

    for (int step = 0; step < 20_000; step++) {
      int kind = random.nextInt(20);
      SubjectRef user =
          kind == 0
              ? new SubjectRef("group", "g" + random.nextInt(30), "member")
              : SubjectRef.of("user", "\u00e9l\u00e8ve-" + random.nextInt(400));
      RelationshipTuple tuple = new RelationshipTuple(user, "viewer", doc);
      boolean add = random.nextInt(100) < (step < 10_000 ? 70 : 25);

      boolean changed = add ? index.add(tuple) : index.remove(tuple);

      assertThat(changed).isEqualTo(add ? expected.add(tuple) : expected.remove(tuple));
      if (step % 2_000 == 0) {
        assertAgrees(index, expected);
      }
    }
    for (RelationshipTuple tuple : new ArrayList<>(expected)) {
      assertThat(index.remove(tuple)).isTrue();
    }
    assertThat(index.size()).isZero();
    List<RelationshipTuple> left = new ArrayList<>();
    index.forEach(left::add);
    assertThat(left).isEmpty();
  }

  private static RelationshipTuple randomTuple(Random random) {
    ObjectRef object =
        ObjectRef.of(random.nextBoolean() ? "doc" : "org", "o" + random.nextInt(300));
    String relation = random.nextBoolean() ? "viewer" : "owner";
    int kind = random.nextInt(10);
    SubjectRef user;
    if (kind == 0) {
      user = SubjectRef.of(random.nextBoolean() ? "user" : "bot", SubjectRef.WILDCARD);
    } else if (kind == 1) {
      user = new SubjectRef("group", "g" + random.nextInt(5), "member");
    } else {
      user = SubjectRef.of(random.nextBoolean() ? "user" : "bot", "u" + random.nextInt(40));
    }
    return new RelationshipTuple(user, relation, object);
  }

  private static void assertAgrees(InMemoryTupleIndex index, Set<RelationshipTuple> expected) {
    List<RelationshipTuple> all = new ArrayList<>();
    index.forEach(all::add);
    assertThat(all).hasSize(expected.size());
    assertThat(new HashSet<>(all)).isEqualTo(expected);
    assertThat(index.size()).isEqualTo(expected.size());
    for (RelationshipTuple tuple : expected) {
      SubjectRef user = tuple.subject();
      assertThat(
              index.contains(
                  tuple.object().type(),
                  tuple.object().id(),
                  tuple.relation(),
                  user.type(),
                  user.id(),
                  user.relation()))
          .isTrue();
    }
    for (String type : List.of("doc", "org")) {
      Set<String> ids = new TreeSet<>();
      index.forEachObjectId(type, ids::add);
      Set<String> expectedIds = new TreeSet<>();
      expected.stream()
          .filter(t -> t.object().type().equals(type))
          .forEach(t -> expectedIds.add(t.object().id()));
      assertThat(ids).isEqualTo(expectedIds);
      Map<ObjectRef, Set<RelationshipTuple>> byObject = new HashMap<>();
      expected.forEach(t -> byObject.computeIfAbsent(t.object(), o -> new HashSet<>()).add(t));
      for (String id : expectedIds) {
        ObjectRef object = ObjectRef.of(type, id);
        List<RelationshipTuple> ofObject = new ArrayList<>();
        index.forEachTupleOf(object, ofObject::add);
        assertThat(ofObject).hasSize(byObject.get(object).size());
        assertThat(new HashSet<>(ofObject)).isEqualTo(byObject.get(object));
      }
    }
  }
}
