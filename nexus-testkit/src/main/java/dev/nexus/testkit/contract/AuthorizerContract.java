package dev.nexus.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nexus.core.authorization.Authorizer;
import dev.nexus.core.authorization.Capability;
import dev.nexus.core.authorization.CheckRequest;
import dev.nexus.core.authorization.Decision;
import dev.nexus.core.authorization.ObjectRef;
import dev.nexus.core.authorization.RelationshipStore;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.core.authorization.SubjectRef;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * What every {@link Authorizer} must answer under the Nexus authorization model. Data is set up
 * only through {@link RelationshipStore#write}, with role tuples {@code user:U <role>
 * organization:O} and document tuples, so the simplified in-memory evaluator and a real OpenFGA
 * model evaluator run the same tests.
 *
 * <p>The document type and its viewer relation default to {@code document} and {@code viewer};
 * override {@link #documentType()} and {@link #viewerRelation()} when the model names them
 * differently, and {@link #viewersMayBeEveryone()} when it does not allow {@code user:*} viewers.
 */
public abstract class AuthorizerContract {

  /** The capabilities each role holds in the Nexus model; every other capability is denied. */
  public static final Map<Role, List<Capability>> CAPABILITIES = capabilitiesByRole();

  /** An authorizer and the relationship store whose tuples it evaluates. */
  public record Subject(Authorizer authorizer, RelationshipStore relationships) {
    public Subject {
      Objects.requireNonNull(authorizer, "authorizer");
      Objects.requireNonNull(relationships, "relationships");
    }

    /** For an adapter that is both. */
    public static <T extends Authorizer & RelationshipStore> Subject of(T both) {
      return new Subject(both, both);
    }
  }

  private Authorizer authorizer;
  private RelationshipStore relationships;

  /** A fresh authorizer for one test (it may share storage with other tests). */
  protected abstract Subject createSubject();

  /** The object type of documents with viewers in the model. */
  protected String documentType() {
    return "document";
  }

  /** The relation that lets a user see a document. */
  protected String viewerRelation() {
    return "viewer";
  }

  /** Whether the model allows {@code user:*} as a document viewer. */
  protected boolean viewersMayBeEveryone() {
    return true;
  }

  @BeforeEach
  void setUp() {
    Subject subject = createSubject();
    authorizer = subject.authorizer();
    relationships = subject.relationships();
  }

  @TestFactory
  Stream<DynamicTest> everyRoleHoldsExactlyItsCapabilities() {
    OrganizationId acme = OrganizationId.of(Unique.id("acme"));
    Map<Role, UserId> users = new EnumMap<>(Role.class);
    for (Role role : Role.values()) {
      UserId user = UserId.of(Unique.id(role.wireName()));
      users.put(role, user);
      grant(acme, user, role);
    }

    List<DynamicTest> tests = new ArrayList<>();
    for (Role role : Role.values()) {
      for (Capability capability : allCapabilities()) {
        boolean expected = CAPABILITIES.get(role).contains(capability);
        tests.add(
            DynamicTest.dynamicTest(
                role.wireName() + " " + capability + (expected ? " allowed" : " denied"),
                () -> {
                  Decision decision =
                      authorizer.check(capabilityCheck(users.get(role), acme, capability));
                  assertThat(decision.allowed()).isEqualTo(expected);
                  assertThat(decision.reason()).isNotBlank();
                }));
      }
    }
    return tests.stream();
  }

  @Test
  void check_higherRole_holdsTheLowerRoleRelations() {
    OrganizationId acme = OrganizationId.of(Unique.id("acme"));
    UserId admin = UserId.of(Unique.id("admin"));
    UserId guest = UserId.of(Unique.id("guest"));
    grant(acme, admin, Role.ADMIN);
    grant(acme, guest, Role.GUEST);

    List<Boolean> adminHolds =
        Stream.of(Role.values()).map(r -> holdsRole(admin, acme, r)).toList();
    List<Boolean> guestHolds =
        Stream.of(Role.values()).map(r -> holdsRole(guest, acme, r)).toList();

    assertThat(adminHolds).containsOnly(true);
    assertThat(guestHolds).containsExactly(true, false, false, false);
  }

  @Test
  void check_anotherOrganization_isDeniedEvenForItsAdmin() {
    OrganizationId acme = OrganizationId.of(Unique.id("acme"));
    OrganizationId globex = OrganizationId.of(Unique.id("globex"));
    UserId alice = UserId.of(Unique.id("alice"));
    UserId bob = UserId.of(Unique.id("bob"));
    grant(acme, alice, Role.ADMIN);
    grant(globex, bob, Role.GUEST);

    List<Decision> decisions =
        allCapabilities().stream()
            .map(c -> authorizer.check(capabilityCheck(alice, globex, c)))
            .toList();

    assertThat(decisions).extracting(Decision::allowed).containsOnly(false);
    assertThat(holdsRole(alice, globex, Role.GUEST)).isFalse();
  }

  @Test
  void check_userWithoutRole_isDeniedEveryCapability() {
    OrganizationId acme = OrganizationId.of(Unique.id("acme"));
    grant(acme, UserId.of(Unique.id("someone")), Role.ADMIN);
    UserId stranger = UserId.of(Unique.id("stranger"));

    List<Decision> decisions =
        allCapabilities().stream()
            .map(c -> authorizer.check(capabilityCheck(stranger, acme, c)))
            .toList();

    assertThat(decisions).extracting(Decision::allowed).containsOnly(false);
  }

  @Test
  void check_afterTheRoleTupleIsDeleted_isDenied() {
    OrganizationId acme = OrganizationId.of(Unique.id("acme"));
    UserId alice = UserId.of(Unique.id("alice"));
    grant(acme, alice, Role.MEMBER);
    assertThat(authorizer.check(capabilityCheck(alice, acme, Capability.SEND_MAIL)).allowed())
        .isTrue();

    relationships.write(List.of(), List.of(roleTuple(acme, alice, Role.MEMBER)));

    assertThat(authorizer.check(capabilityCheck(alice, acme, Capability.SEND_MAIL)).allowed())
        .isFalse();
  }

  @Test
  void check_withContextualRoleTuple_countsForThatCheckOnly() {
    OrganizationId acme = OrganizationId.of(Unique.id("acme"));
    grant(acme, UserId.of(Unique.id("owner")), Role.ADMIN);
    UserId visitor = UserId.of(Unique.id("visitor"));
    CheckRequest plain = capabilityCheck(visitor, acme, Capability.SEND_MAIL);
    CheckRequest withContext =
        new CheckRequest(
            plain.subject(),
            plain.relation(),
            plain.object(),
            List.of(roleTuple(acme, visitor, Role.MEMBER)));

    Decision contextual = authorizer.check(withContext);
    Decision afterwards = authorizer.check(plain);

    assertThat(contextual.allowed()).isTrue();
    assertThat(afterwards.allowed()).isFalse();
  }

  @Test
  void batchCheck_answersEachRequestAtItsIndex() {
    OrganizationId acme = OrganizationId.of(Unique.id("acme"));
    UserId guest = UserId.of(Unique.id("guest"));
    UserId manager = UserId.of(Unique.id("manager"));
    grant(acme, guest, Role.GUEST);
    grant(acme, manager, Role.MANAGER);
    List<CheckRequest> requests =
        List.of(
            capabilityCheck(guest, acme, Capability.READ_MAIL),
            capabilityCheck(guest, acme, Capability.SEND_MAIL),
            capabilityCheck(manager, acme, Capability.APPROVE_CALLS),
            capabilityCheck(manager, acme, Capability.MANAGE_MEMBERS),
            capabilityCheck(guest, acme, Capability.CREATE_NOTION_PAGES),
            capabilityCheck(guest, acme, Capability.VIEW_AUDIT),
            capabilityCheck(manager, acme, Capability.SEND_MAIL));

    List<Decision> decisions = authorizer.batchCheck(requests);

    assertThat(decisions)
        .extracting(Decision::allowed)
        .containsExactly(true, false, true, false, true, false, true);
  }

  @Test
  void listObjects_returnsTheOrganizationsWhereTheUserHoldsTheCapability() {
    UserId alice = UserId.of(Unique.id("alice"));
    OrganizationId asMember = OrganizationId.of(Unique.id("member-of"));
    OrganizationId asAdmin = OrganizationId.of(Unique.id("admin-of"));
    OrganizationId asGuest = OrganizationId.of(Unique.id("guest-of"));
    OrganizationId notHers = OrganizationId.of(Unique.id("not-hers"));
    grant(asMember, alice, Role.MEMBER);
    grant(asAdmin, alice, Role.ADMIN);
    grant(asGuest, alice, Role.GUEST);
    grant(notHers, UserId.of(Unique.id("bob")), Role.ADMIN);

    List<ObjectRef> sendable =
        authorizer.listObjects(
            SubjectRef.user(alice), Capability.SEND_MAIL.relation(), Capability.ORGANIZATION_TYPE);

    assertThat(sendable)
        .containsExactlyInAnyOrder(
            Capability.organizationObject(asMember), Capability.organizationObject(asAdmin));
  }

  @Test
  void listObjects_nothingHeld_isEmpty() {
    List<ObjectRef> found =
        authorizer.listObjects(
            SubjectRef.user(UserId.of(Unique.id("nobody"))),
            Capability.READ_MAIL.relation(),
            Capability.ORGANIZATION_TYPE);

    assertThat(found).isEmpty();
  }

  @Test
  void documentViewer_onlyTheGrantedUserSeesTheDocument() {
    ObjectRef document = ObjectRef.of(documentType(), Unique.id("doc"));
    UserId alice = UserId.of(Unique.id("alice"));
    UserId bob = UserId.of(Unique.id("bob"));
    relationships.write(List.of(viewer(SubjectRef.user(alice), document)), List.of());

    boolean aliceSees = sees(alice, document);
    boolean bobSees = sees(bob, document);
    List<ObjectRef> aliceList =
        authorizer.listObjects(SubjectRef.user(alice), viewerRelation(), documentType());

    assertThat(aliceSees).isTrue();
    assertThat(bobSees).isFalse();
    assertThat(aliceList).contains(document);
    assertThat(authorizer.listObjects(SubjectRef.user(bob), viewerRelation(), documentType()))
        .doesNotContain(document);
  }

  @Test
  void documentViewer_deletedTuple_isNoLongerAllowed() {
    ObjectRef document = ObjectRef.of(documentType(), Unique.id("doc"));
    UserId alice = UserId.of(Unique.id("alice"));
    relationships.write(List.of(viewer(SubjectRef.user(alice), document)), List.of());

    relationships.write(List.of(), List.of(viewer(SubjectRef.user(alice), document)));

    assertThat(sees(alice, document)).isFalse();
  }

  @Test
  void documentViewer_contextualTuple_countsForThatCheckOnly() {
    ObjectRef document = ObjectRef.of(documentType(), Unique.id("doc"));
    UserId alice = UserId.of(Unique.id("alice"));
    CheckRequest plain = CheckRequest.of(SubjectRef.user(alice), viewerRelation(), document);

    Decision contextual =
        authorizer.check(
            new CheckRequest(
                plain.subject(),
                plain.relation(),
                plain.object(),
                List.of(viewer(SubjectRef.user(alice), document))));

    assertThat(contextual.allowed()).isTrue();
    assertThat(authorizer.check(plain).allowed()).isFalse();
  }

  @Test
  void documentViewer_wildcard_letsEveryUserSee() {
    assumeTrue(viewersMayBeEveryone(), "the model does not allow user:* viewers");
    ObjectRef document = ObjectRef.of(documentType(), Unique.id("public"));
    relationships.write(
        List.of(viewer(new SubjectRef("user", SubjectRef.WILDCARD, null), document)), List.of());

    boolean anyoneSees = sees(UserId.of(Unique.id("anyone")), document);

    assertThat(anyoneSees).isTrue();
  }

  /** Writes the role tuple of {@code user} in {@code organization}. */
  protected final void grant(OrganizationId organization, UserId user, Role role) {
    relationships.write(List.of(roleTuple(organization, user, role)), List.of());
  }

  private boolean holdsRole(UserId user, OrganizationId organization, Role role) {
    return authorizer
        .check(
            CheckRequest.of(
                SubjectRef.user(user),
                role.wireName(),
                Capability.organizationObject(organization)))
        .allowed();
  }

  private boolean sees(UserId user, ObjectRef document) {
    return authorizer
        .check(CheckRequest.of(SubjectRef.user(user), viewerRelation(), document))
        .allowed();
  }

  private RelationshipTuple viewer(SubjectRef subject, ObjectRef document) {
    return new RelationshipTuple(subject, viewerRelation(), document);
  }

  private static CheckRequest capabilityCheck(
      UserId user, OrganizationId organization, Capability capability) {
    return CheckRequest.of(
        SubjectRef.user(user), capability.relation(), Capability.organizationObject(organization));
  }

  private static RelationshipTuple roleTuple(OrganizationId organization, UserId user, Role role) {
    return new RelationshipTuple(
        SubjectRef.user(user), role.wireName(), Capability.organizationObject(organization));
  }

  private static List<Capability> allCapabilities() {
    return CAPABILITIES.get(Role.ADMIN);
  }

  private static Map<Role, List<Capability>> capabilitiesByRole() {
    List<Capability> guest =
        List.of(Capability.READ_MAIL, Capability.READ_NOTION, Capability.CREATE_NOTION_PAGES);
    List<Capability> member =
        concat(
            guest,
            List.of(Capability.SEND_MAIL, Capability.MODIFY_MAIL, Capability.UPDATE_NOTION_PAGES));
    List<Capability> manager =
        concat(member, List.of(Capability.APPROVE_CALLS, Capability.VIEW_AUDIT));
    List<Capability> admin = concat(manager, List.of(Capability.MANAGE_MEMBERS));
    Map<Role, List<Capability>> map = new EnumMap<>(Role.class);
    map.put(Role.GUEST, guest);
    map.put(Role.MEMBER, member);
    map.put(Role.MANAGER, manager);
    map.put(Role.ADMIN, admin);
    return Collections.unmodifiableMap(map);
  }

  private static List<Capability> concat(List<Capability> first, List<Capability> second) {
    List<Capability> all = new ArrayList<>(first);
    all.addAll(second);
    return List.copyOf(all);
  }
}
