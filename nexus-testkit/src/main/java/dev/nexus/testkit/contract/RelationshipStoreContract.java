package dev.nexus.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.core.authorization.Capability;
import dev.nexus.core.authorization.ObjectRef;
import dev.nexus.core.authorization.RelationshipStore;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.core.authorization.SubjectRef;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RelationshipStore} must do. It writes only tuples valid in the Nexus model:
 * role tuples on organizations and viewer tuples on documents (override {@link #documentType()} and
 * {@link #viewerRelation()} when the model names them differently).
 */
public abstract class RelationshipStoreContract {

  private RelationshipStore store;

  /** A store for one test (it may share storage with other tests). */
  protected abstract RelationshipStore createStore();

  /** The object type of documents with viewers in the model. */
  protected String documentType() {
    return "document";
  }

  /** The relation that lets a user see a document. */
  protected String viewerRelation() {
    return "viewer";
  }

  @BeforeEach
  void setUp() {
    store = createStore();
  }

  @Test
  void write_thenRead_returnsTheTuplesOfThatObjectOnly() {
    ObjectRef acme = organization();
    ObjectRef other = organization();
    RelationshipTuple alice = role("alice", Role.ADMIN, acme);
    RelationshipTuple bob = role("bob", Role.GUEST, acme);
    RelationshipTuple carol = role("carol", Role.MEMBER, other);

    store.write(List.of(alice, bob, carol), List.of());

    assertThat(store.read(acme)).containsExactlyInAnyOrder(alice, bob);
    assertThat(store.read(other)).containsExactly(carol);
  }

  @Test
  void read_objectWithoutTuples_isEmpty() {
    assertThat(store.read(organization())).isEmpty();
  }

  @Test
  void write_existingTuple_isNotAnErrorAndKeepsOneCopy() {
    ObjectRef acme = organization();
    RelationshipTuple alice = role("alice", Role.MEMBER, acme);
    store.write(List.of(alice), List.of());

    store.write(List.of(alice), List.of());

    assertThat(store.read(acme)).containsExactly(alice);
  }

  @Test
  void delete_missingTuple_isNotAnError() {
    ObjectRef acme = organization();
    RelationshipTuple alice = role("alice", Role.MEMBER, acme);
    RelationshipTuple bob = role("bob", Role.MEMBER, acme);
    store.write(List.of(alice), List.of());

    store.write(List.of(), List.of(bob));

    assertThat(store.read(acme)).containsExactly(alice);
  }

  @Test
  void write_writesAndDeletesInOneCall() {
    ObjectRef acme = organization();
    RelationshipTuple asGuest = role("alice", Role.GUEST, acme);
    RelationshipTuple asManager = role("alice", Role.MANAGER, acme);
    store.write(List.of(asGuest), List.of());

    store.write(List.of(asManager), List.of(asGuest));

    assertThat(store.read(acme)).containsExactly(asManager);
  }

  @Test
  void write_documentTuples_areReadByDocument() {
    ObjectRef document = ObjectRef.of(documentType(), Unique.id("doc"));
    RelationshipTuple alice =
        new RelationshipTuple(SubjectRef.user(UserId.of("alice")), viewerRelation(), document);
    RelationshipTuple bob =
        new RelationshipTuple(SubjectRef.user(UserId.of("bob")), viewerRelation(), document);

    store.write(List.of(alice, bob), List.of());

    assertThat(store.read(document)).containsExactlyInAnyOrder(alice, bob);
  }

  @Test
  void scan_handsOverEveryStoredTuple() {
    ObjectRef acme = organization();
    ObjectRef other = organization();
    List<RelationshipTuple> written =
        List.of(
            role("alice", Role.ADMIN, acme),
            role("bob", Role.MEMBER, acme),
            role("carol", Role.GUEST, other));
    store.write(written, List.of());
    store.write(List.of(), List.of(role("bob", Role.MEMBER, acme)));

    List<RelationshipTuple> scanned = Collections.synchronizedList(new ArrayList<>());
    store.scan(scanned::add);

    assertThat(scanned).contains(written.get(0), written.get(2));
    assertThat(scanned).doesNotContain(written.get(1));
  }

  @Test
  void write_isAtomicForConcurrentReaders() {
    // One writer swaps alice between guest and member; readers must never see both or neither.
    ObjectRef acme = organization();
    RelationshipTuple asGuest = role("alice", Role.GUEST, acme);
    RelationshipTuple asMember = role("alice", Role.MEMBER, acme);
    store.write(List.of(asGuest), List.of());
    AtomicBoolean writing = new AtomicBoolean(true);

    List<List<Integer>> seen =
        Concurrently.run(
            3,
            thread -> {
              List<Integer> counts = new ArrayList<>();
              if (thread == 0) {
                for (int i = 0; i < 200; i++) {
                  boolean toMember = i % 2 == 0;
                  store.write(
                      List.of(toMember ? asMember : asGuest),
                      List.of(toMember ? asGuest : asMember));
                }
                writing.set(false);
                return counts;
              }
              while (writing.get()) {
                counts.add(store.read(acme).size());
              }
              return counts;
            });

    assertThat(seen.get(1)).allMatch(count -> count == 1);
    assertThat(seen.get(2)).allMatch(count -> count == 1);
    assertThat(store.read(acme)).containsExactly(asGuest);
  }

  private static ObjectRef organization() {
    return Capability.organizationObject(OrganizationId.of(Unique.id("org")));
  }

  private static RelationshipTuple role(String user, Role role, ObjectRef organization) {
    return new RelationshipTuple(SubjectRef.user(UserId.of(user)), role.wireName(), organization);
  }
}
