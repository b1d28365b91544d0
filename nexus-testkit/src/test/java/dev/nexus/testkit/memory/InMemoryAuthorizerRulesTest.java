package dev.nexus.testkit.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.core.authorization.CheckRequest;
import dev.nexus.core.authorization.ObjectRef;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.core.authorization.SubjectRef;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules of the simplified evaluator beyond what the authorizer contract covers. */
class InMemoryAuthorizerRulesTest {

  private final InMemoryAuthorizer authorizer = new InMemoryAuthorizer();

  @Test
  void check_usersetTuple_grantsEveryHolderOfThatRelation() {
    authorizer.write(
        List.of(
            RelationshipTuple.of("user:anne", "member", "group:eng"),
            RelationshipTuple.of("group:eng#member", "viewer", "document:plan")),
        List.of());

    assertThat(allowed("user:anne", "viewer", "document:plan")).isTrue();
    assertThat(allowed("user:bob", "viewer", "document:plan")).isFalse();
  }

  @Test
  void check_roleUsersetOnACapability_grantsThatRoleAndHigherOnes() {
    authorizer.write(
        List.of(
            RelationshipTuple.of("user:gus", "guest", "organization:acme"),
            RelationshipTuple.of("user:ada", "admin", "organization:acme"),
            RelationshipTuple.of("organization:acme#guest", "can_view_audit", "organization:acme")),
        List.of());

    assertThat(allowed("user:gus", "can_view_audit", "organization:acme")).isTrue();
    assertThat(allowed("user:ada", "can_view_audit", "organization:acme")).isTrue();
    assertThat(allowed("user:eve", "can_view_audit", "organization:acme")).isFalse();
  }

  @Test
  void check_directCapabilityTuple_grantsItWithoutARole() {
    authorizer.write(
        List.of(RelationshipTuple.of("user:eve", "can_send_mail", "organization:acme")), List.of());

    assertThat(allowed("user:eve", "can_send_mail", "organization:acme")).isTrue();
    assertThat(allowed("user:eve", "can_read_mail", "organization:acme")).isFalse();
  }

  @Test
  void check_cyclicUsersets_endsDenied() {
    authorizer.write(
        List.of(
            RelationshipTuple.of("group:a#member", "member", "group:b"),
            RelationshipTuple.of("group:b#member", "member", "group:a")),
        List.of());

    assertThat(allowed("user:anne", "member", "group:a")).isFalse();
  }

  @Test
  void check_wildcardRoleTuple_doesNotMatchAUserset() {
    authorizer.write(
        List.of(RelationshipTuple.of("user:*", "viewer", "document:public")), List.of());

    assertThat(allowed("user:anyone", "viewer", "document:public")).isTrue();
    assertThat(allowed("group:eng#member", "viewer", "document:public")).isFalse();
  }

  @Test
  void listObjects_includesObjectsReachedThroughUsersets() {
    authorizer.write(
        List.of(
            RelationshipTuple.of("user:anne", "member", "group:eng"),
            RelationshipTuple.of("group:eng#member", "viewer", "document:plan"),
            RelationshipTuple.of("user:anne", "viewer", "document:notes"),
            RelationshipTuple.of("user:bob", "viewer", "document:secret")),
        List.of());

    List<ObjectRef> visible =
        authorizer.listObjects(SubjectRef.parse("user:anne"), "viewer", "document");

    assertThat(visible)
        .containsExactlyInAnyOrder(
            ObjectRef.parse("document:plan"), ObjectRef.parse("document:notes"));
  }

  private boolean allowed(String subject, String relation, String object) {
    RelationshipTuple asked = RelationshipTuple.of(subject, relation, object);
    return authorizer
        .check(CheckRequest.of(asked.subject(), asked.relation(), asked.object()))
        .allowed();
  }
}
