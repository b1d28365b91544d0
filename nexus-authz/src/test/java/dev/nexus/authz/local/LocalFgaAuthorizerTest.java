package dev.nexus.authz.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.authorization.CheckRequest;
import dev.nexus.core.authorization.Decision;
import dev.nexus.core.authorization.ObjectRef;
import dev.nexus.core.authorization.RelationshipStore;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.core.authorization.SubjectRef;
import dev.nexus.core.error.RetriableException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The embedded evaluator, one OpenFGA feature at a time. */
class LocalFgaAuthorizerTest {

  private static final String DOCS =
      """
      model
        schema 1.1
      type user
      type group
        relations
          define member: [user, user:*, group#member]
      type folder
        relations
          define viewer: [user, group#member]
      type document
        relations
          define parent: [folder]
          define owner: [user]
          define editor: [user] or owner
          define viewer: [user, user:*, group#member] or editor or viewer from parent
          define blocked: [user]
          define approved: [user]
          define can_read: viewer but not blocked
          define can_publish: editor and approved
      """;

  private final LocalFgaAuthorizer fga = new LocalFgaAuthorizer(FgaModel.parse(DOCS));

  @Test
  void check_directTuple_allowsOnlyThatUser() {
    write("user:anne", "viewer", "document:1");

    assertThat(check("user:anne", "viewer", "document:1")).isTrue();
    assertThat(check("user:bob", "viewer", "document:1")).isFalse();
    assertThat(check("user:anne", "viewer", "document:2")).isFalse();
  }

  @Test
  void check_wildcard_allowsEveryUserOfThatType() {
    write("user:*", "viewer", "document:public");

    assertThat(check("user:anyone", "viewer", "document:public")).isTrue();
    assertThat(check("user:*", "viewer", "document:public")).isTrue();
    assertThat(check("group:eng#member", "viewer", "document:public")).isFalse();
  }

  @Test
  void check_userset_allowsTheMembersOfTheGroup_andTheUsersetItself() {
    write("group:eng#member", "viewer", "document:1");
    write("user:anne", "member", "group:eng");

    assertThat(check("user:anne", "viewer", "document:1")).isTrue();
    assertThat(check("group:eng#member", "viewer", "document:1")).isTrue();
    assertThat(check("user:bob", "viewer", "document:1")).isFalse();
  }

  @Test
  void check_usersetOfAnObjectWithoutTuples_holdsOnlyForThatObject() {
    // Neither group has a tuple, so neither is in the index: they must still not be confused.
    write("user:anne", "member", "group:other");

    assertThat(check("group:quiet#member", "member", "group:quiet")).isTrue();
    assertThat(check("group:quiet#member", "member", "group:silent")).isFalse();
    assertThat(check("group:quiet#member", "member", "group:other")).isFalse();
    assertThat(check("group:other#member", "member", "group:quiet")).isFalse();
  }

  @Test
  void check_nestedGroups_areFollowed() {
    write("group:eng#member", "viewer", "document:1");
    write("group:backend#member", "member", "group:eng");
    write("user:anne", "member", "group:backend");

    assertThat(check("user:anne", "viewer", "document:1")).isTrue();
  }

  @Test
  void check_computedUserset_derivesFromAnotherRelation() {
    write("user:anne", "owner", "document:1");

    assertThat(check("user:anne", "editor", "document:1")).isTrue();
    assertThat(check("user:anne", "viewer", "document:1")).isTrue();
  }

  @Test
  void check_tupleToUserset_followsTheParent() {
    write("folder:f", "parent", "document:1");
    write("user:anne", "viewer", "folder:f");

    assertThat(check("user:anne", "viewer", "document:1")).isTrue();
    assertThat(check("user:bob", "viewer", "document:1")).isFalse();
  }

  @Test
  void check_exclusion_subtractsTheBlockedUsers() {
    write("user:anne", "viewer", "document:1");
    write("user:bob", "viewer", "document:1");
    write("user:bob", "blocked", "document:1");

    assertThat(check("user:anne", "can_read", "document:1")).isTrue();
    assertThat(check("user:bob", "can_read", "document:1")).isFalse();
  }

  @Test
  void check_intersection_needsEveryPart() {
    write("user:anne", "editor", "document:1");
    write("user:anne", "approved", "document:1");
    write("user:bob", "editor", "document:1");

    assertThat(check("user:anne", "can_publish", "document:1")).isTrue();
    assertThat(check("user:bob", "can_publish", "document:1")).isFalse();
  }

  @Test
  void check_contextualTuples_countForThatRequestOnly() {
    CheckRequest withContext =
        new CheckRequest(
            SubjectRef.parse("user:anne"),
            "viewer",
            ObjectRef.parse("document:1"),
            List.of(RelationshipTuple.of("user:anne", "viewer", "document:1")));

    Decision contextual = fga.check(withContext);
    boolean afterwards = check("user:anne", "viewer", "document:1");

    assertThat(contextual.allowed()).isTrue();
    assertThat(contextual.reason()).contains("viewer on document:1");
    assertThat(afterwards).isFalse();
    assertThat(fga.size()).isZero();
  }

  @Test
  void check_contextualTupleBreakingTheTypes_isRefusedAsInvalidTuple() {
    CheckRequest request =
        new CheckRequest(
            SubjectRef.parse("user:anne"),
            "viewer",
            ObjectRef.parse("document:1"),
            List.of(RelationshipTuple.of("user:anne", "parent", "document:1")));

    assertThatThrownBy(() -> fga.check(request))
        .isInstanceOfSatisfying(
            FgaException.class, e -> assertThat(e.code()).isEqualTo(FgaErrorCode.INVALID_TUPLE))
        .hasMessageContaining("not an allowed type restriction for 'document#parent'");
  }

  @Test
  void check_unknownRelationOrType_isAValidationError() {
    assertThatThrownBy(() -> check("user:anne", "reader", "document:1"))
        .isInstanceOfSatisfying(
            FgaException.class, e -> assertThat(e.code()).isEqualTo(FgaErrorCode.VALIDATION_ERROR));
    assertThatThrownBy(() -> check("robot:r2", "viewer", "document:1"))
        .isInstanceOfSatisfying(
            FgaException.class, e -> assertThat(e.code()).isEqualTo(FgaErrorCode.VALIDATION_ERROR));
  }

  @Test
  void batchCheck_answersEachRequestAtItsIndex() {
    write("user:anne", "viewer", "document:1");

    List<Decision> decisions =
        fga.batchCheck(
            List.of(
                request("user:bob", "viewer", "document:1"),
                request("user:anne", "viewer", "document:1"),
                request("user:anne", "owner", "document:1")));

    assertThat(decisions).extracting(Decision::allowed).containsExactly(false, true, false);
  }

  @Test
  void listObjects_returnsEveryObjectTheUserReaches() {
    write("user:anne", "viewer", "document:1");
    write("folder:f", "parent", "document:2");
    write("user:anne", "viewer", "folder:f");
    write("user:bob", "viewer", "document:3");
    write("user:anne", "blocked", "document:1");

    List<ObjectRef> viewable = fga.listObjects(SubjectRef.parse("user:anne"), "viewer", "document");
    List<ObjectRef> readable =
        fga.listObjects(SubjectRef.parse("user:anne"), "can_read", "document");

    assertThat(viewable)
        .containsExactlyInAnyOrder(ObjectRef.parse("document:1"), ObjectRef.parse("document:2"));
    assertThat(readable).containsExactly(ObjectRef.parse("document:2"));
  }

  @Test
  void listObjects_withContextualTuples_includesTheirObjects() {
    List<ObjectRef> found =
        fga.listObjects(
            SubjectRef.parse("user:anne"),
            "viewer",
            "document",
            List.of(RelationshipTuple.of("user:anne", "owner", "document:9")));

    assertThat(found).containsExactly(ObjectRef.parse("document:9"));
  }

  @Test
  void listObjects_unknownTypeOrRelation_usesOpenFgaCodes() {
    SubjectRef anne = SubjectRef.parse("user:anne");

    assertThatThrownBy(() -> fga.listObjects(anne, "viewer", "spreadsheet"))
        .isInstanceOfSatisfying(
            FgaException.class, e -> assertThat(e.code()).isEqualTo(FgaErrorCode.TYPE_NOT_FOUND));
    assertThatThrownBy(() -> fga.listObjects(anne, "reader", "document"))
        .isInstanceOfSatisfying(
            FgaException.class,
            e -> assertThat(e.code()).isEqualTo(FgaErrorCode.RELATION_NOT_FOUND));
  }

  @Test
  void check_cycleThroughUsersets_isNotAllowedAndTerminates() {
    LocalFgaAuthorizer cyclic =
        new LocalFgaAuthorizer(
            FgaModel.parse(
                """
                model
                  schema 1.1
                type user
                type group
                  relations
                    define member: [user, group#member]
                """));
    cyclic.write(
        List.of(
            RelationshipTuple.of("group:a#member", "member", "group:b"),
            RelationshipTuple.of("group:b#member", "member", "group:a")),
        List.of());

    boolean allowed = cyclic.isAllowed(request("user:anne", "member", "group:a"));
    cyclic.write(List.of(RelationshipTuple.of("user:anne", "member", "group:b")), List.of());

    assertThat(allowed).isFalse();
    assertThat(cyclic.isAllowed(request("user:anne", "member", "group:a"))).isTrue();
  }

  @Test
  void check_exclusionOfACycle_isNotAllowed() {
    LocalFgaAuthorizer cyclic =
        new LocalFgaAuthorizer(
            FgaModel.parse(
                """
                model
                  schema 1.1
                type user
                type document
                  relations
                    define restricted: [user, document#viewer]
                    define viewer: [user] but not restricted
                """));
    cyclic.write(
        List.of(
            RelationshipTuple.of("user:jon", "viewer", "document:1"),
            RelationshipTuple.of("document:1#viewer", "restricted", "document:1")),
        List.of());

    assertThat(cyclic.isAllowed(request("user:jon", "viewer", "document:1"))).isFalse();
  }

  @Test
  void check_chainDeeperThan25_isResolutionTooComplex() {
    LocalFgaAuthorizer deep = chain(26);

    assertThatThrownBy(() -> deep.check(request("user:maria", "member", "group:g0")))
        .isInstanceOfSatisfying(
            FgaException.class,
            e -> {
              assertThat(e.code())
                  .isEqualTo(FgaErrorCode.AUTHORIZATION_MODEL_RESOLUTION_TOO_COMPLEX);
              assertThat(e.code().number()).isEqualTo(2002);
            })
        .hasMessageContaining("resolution too complex");
  }

  @Test
  void check_chainOf25_isResolved() {
    LocalFgaAuthorizer deep = chain(25);

    assertThat(deep.isAllowed(request("user:maria", "member", "group:g0"))).isTrue();
  }

  @Test
  void model_withCondition_isRefusedNamingTheCondition() {
    String conditioned =
        """
        model
          schema 1.1
        type user
        type document
          relations
            define viewer: [user with office_hours]
        condition office_hours(hour: int) {
          hour >= 9 && hour <= 17
        }
        """;

    assertThatThrownBy(() -> FgaModel.parse(conditioned))
        .isInstanceOfSatisfying(
            FgaException.class,
            e -> assertThat(e.code()).isEqualTo(FgaErrorCode.INVALID_AUTHORIZATION_MODEL))
        .hasMessageContaining("office_hours")
        .hasMessageContaining("does not support conditions");
  }

  @Test
  void model_withSyntaxOrSemanticError_isRefused() {
    assertThatThrownBy(() -> FgaModel.parse("model\n  schema 1.1\ntype user\n  relations\n"))
        .isInstanceOf(FgaException.class);
    assertThatThrownBy(
            () ->
                FgaModel.parse(
                    """
                    model
                      schema 1.1
                    type document
                      relations
                        define viewer: editor
                    """))
        .isInstanceOfSatisfying(
            FgaException.class,
            e -> assertThat(e.code()).isEqualTo(FgaErrorCode.INVALID_AUTHORIZATION_MODEL));
  }

  @Test
  void model_fromJson_evaluatesLikeTheDsl() {
    String json =
        """
        {"schema_version":"1.1","type_definitions":[
          {"type":"user"},
          {"type":"document","relations":{"viewer":{"this":{}}},
           "metadata":{"relations":{"viewer":{"directly_related_user_types":[{"type":"user"}]}}}}]}
        """;
    LocalFgaAuthorizer fromJson = new LocalFgaAuthorizer(FgaModel.fromJson(json));
    fromJson.write(List.of(RelationshipTuple.of("user:anne", "viewer", "document:1")), List.of());

    assertThat(fromJson.isAllowed(request("user:anne", "viewer", "document:1"))).isTrue();
    assertThat(fromJson.model().relations("document")).containsExactly("viewer");
  }

  @Test
  void write_userTypeNotAllowed_isRefusedAndChangesNothing() {
    List<RelationshipTuple> writes =
        List.of(
            RelationshipTuple.of("user:anne", "viewer", "document:1"),
            RelationshipTuple.of("folder:f", "viewer", "document:1"));

    assertThatThrownBy(() -> fga.write(writes, List.of()))
        .isInstanceOfSatisfying(
            FgaException.class, e -> assertThat(e.code()).isEqualTo(FgaErrorCode.INVALID_TUPLE))
        .hasMessage(
            "Invalid tuple 'document:1#viewer@folder:f'. Reason: type 'folder' is not an allowed"
                + " type restriction for 'document#viewer'");
    assertThat(fga.size()).isZero();
  }

  @Test
  void write_toAComputedRelation_isRefused() {
    assertThatThrownBy(() -> write("user:anne", "can_read", "document:1"))
        .isInstanceOf(FgaException.class);
  }

  @Test
  void write_existingTupleAndMissingDelete_areFineByThePortButNotStrictly() {
    RelationshipTuple anne = RelationshipTuple.of("user:anne", "viewer", "document:1");
    RelationshipTuple bob = RelationshipTuple.of("user:bob", "viewer", "document:1");
    fga.write(List.of(anne), List.of());

    fga.write(List.of(anne), List.of(bob));

    assertThat(fga.read(ObjectRef.parse("document:1"))).containsExactly(anne);
    assertThatThrownBy(() -> fga.writeStrictly(List.of(anne), List.of()))
        .isInstanceOfSatisfying(
            FgaException.class,
            e -> assertThat(e.code()).isEqualTo(FgaErrorCode.WRITE_FAILED_DUE_TO_INVALID_INPUT));
    assertThatThrownBy(() -> fga.writeStrictly(List.of(), List.of(bob)))
        .isInstanceOf(FgaException.class);
  }

  @Test
  void write_sameTupleTwiceInOneRequest_isRefused() {
    RelationshipTuple anne = RelationshipTuple.of("user:anne", "viewer", "document:1");

    assertThatThrownBy(() -> fga.write(List.of(anne), List.of(anne)))
        .isInstanceOfSatisfying(
            FgaException.class,
            e ->
                assertThat(e.code())
                    .isEqualTo(FgaErrorCode.CANNOT_ALLOW_DUPLICATE_TUPLES_IN_ONE_REQUEST));
  }

  @Test
  void readAndScan_returnStoredTuples() {
    write("user:anne", "viewer", "document:1");
    write("user:*", "viewer", "document:1");
    write("group:eng#member", "viewer", "document:1");
    write("user:bob", "viewer", "document:2");

    List<RelationshipTuple> scanned = new ArrayList<>();
    fga.scan(scanned::add);

    assertThat(fga.read(ObjectRef.parse("document:1")))
        .containsExactlyInAnyOrder(
            RelationshipTuple.of("user:anne", "viewer", "document:1"),
            RelationshipTuple.of("user:*", "viewer", "document:1"),
            RelationshipTuple.of("group:eng#member", "viewer", "document:1"));
    assertThat(scanned).hasSize(4);
  }

  @Test
  void writingThrough_loadsTheDurableTuplesAndWritesToThemFirst() {
    RecordingStore durable = new RecordingStore();
    durable.tuples.add(RelationshipTuple.of("user:anne", "viewer", "document:1"));

    LocalFgaAuthorizer authorizer =
        LocalFgaAuthorizer.writingThrough(FgaModel.parse(DOCS), durable);
    authorizer.write(List.of(RelationshipTuple.of("user:bob", "viewer", "document:1")), List.of());

    assertThat(authorizer.isAllowed(request("user:anne", "viewer", "document:1"))).isTrue();
    assertThat(authorizer.isAllowed(request("user:bob", "viewer", "document:1"))).isTrue();
    assertThat(durable.tuples).contains(RelationshipTuple.of("user:bob", "viewer", "document:1"));
  }

  @Test
  void writingThrough_durableFailure_leavesTheIndexUnchanged() {
    RecordingStore durable = new RecordingStore();
    durable.failing = true;
    LocalFgaAuthorizer authorizer =
        LocalFgaAuthorizer.writingThrough(FgaModel.parse(DOCS), durable);

    assertThatThrownBy(
            () ->
                authorizer.write(
                    List.of(RelationshipTuple.of("user:bob", "viewer", "document:1")), List.of()))
        .isInstanceOf(RetriableException.class);
    assertThat(authorizer.isAllowed(request("user:bob", "viewer", "document:1"))).isFalse();
  }

  @Test
  void withModel_sharesTheTuples_andIgnoresThoseTheNewModelForbids() {
    write("user:anne", "viewer", "document:1");
    write("group:eng#member", "viewer", "document:1");
    write("user:bob", "member", "group:eng");
    LocalFgaAuthorizer narrower =
        fga.withModel(
            FgaModel.parse(
                """
                model
                  schema 1.1
                type user
                type group
                  relations
                    define member: [user]
                type document
                  relations
                    define viewer: [user]
                """));

    assertThat(narrower.isAllowed(request("user:anne", "viewer", "document:1"))).isTrue();
    assertThat(narrower.isAllowed(request("user:bob", "viewer", "document:1"))).isFalse();
    assertThat(fga.isAllowed(request("user:bob", "viewer", "document:1"))).isTrue();
  }

  private LocalFgaAuthorizer chain(int length) {
    // group:g0 member <- group:g1#member <- ... <- group:g{length-1} member user:maria
    LocalFgaAuthorizer authorizer =
        new LocalFgaAuthorizer(
            FgaModel.parse(
                """
                model
                  schema 1.1
                type user
                type group
                  relations
                    define member: [user, group#member]
                """));
    List<RelationshipTuple> tuples = new ArrayList<>();
    for (int i = 0; i < length - 1; i++) {
      tuples.add(RelationshipTuple.of("group:g" + (i + 1) + "#member", "member", "group:g" + i));
    }
    tuples.add(RelationshipTuple.of("user:maria", "member", "group:g" + (length - 1)));
    authorizer.write(tuples, List.of());
    return authorizer;
  }

  private void write(String user, String relation, String object) {
    fga.write(List.of(RelationshipTuple.of(user, relation, object)), List.of());
  }

  private boolean check(String user, String relation, String object) {
    return fga.check(request(user, relation, object)).allowed();
  }

  private static CheckRequest request(String user, String relation, String object) {
    return CheckRequest.of(SubjectRef.parse(user), relation, ObjectRef.parse(object));
  }

  /** A durable store kept in a set, which can be told to fail like an unreachable database. */
  private static final class RecordingStore implements RelationshipStore {
    final Set<RelationshipTuple> tuples = new LinkedHashSet<>();
    boolean failing;

    @Override
    public void write(List<RelationshipTuple> writes, List<RelationshipTuple> deletes) {
      if (failing) {
        throw new RetriableException("the tuple database is unavailable");
      }
      tuples.removeAll(deletes);
      tuples.addAll(writes);
    }

    @Override
    public List<RelationshipTuple> read(ObjectRef object) {
      return tuples.stream().filter(t -> t.object().equals(object)).toList();
    }

    @Override
    public void scan(Consumer<RelationshipTuple> sink) {
      tuples.forEach(sink);
    }
  }
}
