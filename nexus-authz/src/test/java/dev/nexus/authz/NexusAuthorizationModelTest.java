package dev.nexus.authz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.authz.local.LocalFgaAuthorizer;
import dev.nexus.core.authorization.Capability;
import dev.nexus.core.authorization.CheckRequest;
import dev.nexus.core.authorization.ObjectRef;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.core.authorization.SubjectRef;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Nexus authorization model, evaluated by the embedded evaluator. */
class NexusAuthorizationModelTest {

  /** The default table of the issue: which roles hold each capability with no extra tuples. */
  private static final Map<Capability, Set<Role>> DEFAULTS =
      Map.of(
          Capability.READ_MAIL, Set.of(Role.GUEST, Role.MEMBER, Role.MANAGER, Role.ADMIN),
          Capability.READ_NOTION, Set.of(Role.GUEST, Role.MEMBER, Role.MANAGER, Role.ADMIN),
          Capability.CREATE_NOTION_PAGES, Set.of(Role.GUEST, Role.MEMBER, Role.MANAGER, Role.ADMIN),
          Capability.SEND_MAIL, Set.of(Role.MEMBER, Role.MANAGER, Role.ADMIN),
          Capability.MODIFY_MAIL, Set.of(Role.MEMBER, Role.MANAGER, Role.ADMIN),
          Capability.UPDATE_NOTION_PAGES, Set.of(Role.MEMBER, Role.MANAGER, Role.ADMIN),
          Capability.APPROVE_CALLS, Set.of(Role.MANAGER, Role.ADMIN),
          Capability.VIEW_AUDIT, Set.of(Role.MANAGER, Role.ADMIN),
          Capability.MANAGE_MEMBERS, Set.of(Role.ADMIN));

  private static final OrganizationId ACME = OrganizationId.of("acme");
  private static final OrganizationId GLOBEX = OrganizationId.of("globex");

  private LocalFgaAuthorizer authorizer;

  @BeforeEach
  void setUp() {
    authorizer = NexusAuthorizationModel.embeddedAuthorizer();
  }

  static Stream<Arguments> roleAndCapability() {
    List<Arguments> pairs = new ArrayList<>();
    for (Role role : Role.values()) {
      for (Map.Entry<Capability, Set<Role>> entry : DEFAULTS.entrySet()) {
        pairs.add(Arguments.of(role, entry.getKey(), entry.getValue().contains(role)));
      }
    }
    return pairs.stream();
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("roleAndCapability")
  void capability_byRole_followsTheDefaultTable(Role role, Capability capability, boolean held) {
    UserId user = UserId.of("u-" + role.wireName());
    grant(ACME, user, role);

    boolean allowed = allowed(user, ACME, capability);

    assertThat(allowed).isEqualTo(held);
  }

  @Test
  void model_hasEveryCapabilityOfCoreAsAnOrganizationRelation() {
    assertThat(DEFAULTS).hasSize(9);
    for (Capability capability : DEFAULTS.keySet()) {
      assertThat(NexusAuthorizationModel.model().hasRelation("organization", capability.relation()))
          .as(capability.relation())
          .isTrue();
    }
  }

  @Test
  void capability_inAnotherOrganization_isDeniedEvenToAnAdmin() {
    UserId alice = UserId.of("alice");
    grant(ACME, alice, Role.ADMIN);
    grant(GLOBEX, UserId.of("bob"), Role.ADMIN);

    List<Boolean> inGlobex =
        DEFAULTS.keySet().stream().map(c -> allowed(alice, GLOBEX, c)).toList();

    assertThat(inGlobex).containsOnly(false);
    assertThat(allowed(alice, ACME, Capability.MANAGE_MEMBERS)).isTrue();
  }

  @Test
  void capability_userWithoutRole_isDenied() {
    grant(ACME, UserId.of("alice"), Role.ADMIN);

    List<Boolean> stranger =
        DEFAULTS.keySet().stream().map(c -> allowed(UserId.of("stranger"), ACME, c)).toList();

    assertThat(stranger).containsOnly(false);
  }

  @Test
  void capability_grantedToARoleByTuple_widensTheDefault() {
    UserId guest = UserId.of("gina");
    grant(ACME, guest, Role.GUEST);
    assertThat(allowed(guest, ACME, Capability.SEND_MAIL)).isFalse();

    authorizer.write(
        List.of(
            new RelationshipTuple(
                SubjectRef.userset(org(ACME), "guest"), "can_send_mail", org(ACME))),
        List.of());

    assertThat(allowed(guest, ACME, Capability.SEND_MAIL)).isTrue();
    assertThat(allowed(guest, ACME, Capability.APPROVE_CALLS)).isFalse();
  }

  @Test
  void capability_grantedToOneUserByTuple_appliesToThatUserOnly() {
    UserId gina = UserId.of("gina");
    UserId gus = UserId.of("gus");
    grant(ACME, gina, Role.GUEST);
    grant(ACME, gus, Role.GUEST);

    authorizer.write(
        List.of(new RelationshipTuple(SubjectRef.user(gina), "can_view_audit", org(ACME))),
        List.of());

    assertThat(allowed(gina, ACME, Capability.VIEW_AUDIT)).isTrue();
    assertThat(allowed(gus, ACME, Capability.VIEW_AUDIT)).isFalse();
  }

  @Test
  void capability_defaultRevokedForEveryone_leavesOnlyExplicitGrants() {
    UserId member = UserId.of("mia");
    UserId manager = UserId.of("max");
    grant(ACME, member, Role.MEMBER);
    grant(ACME, manager, Role.MANAGER);

    authorizer.write(
        List.of(
            new RelationshipTuple(
                new SubjectRef("user", SubjectRef.WILDCARD, null), "send_mail_revoked", org(ACME)),
            new RelationshipTuple(
                SubjectRef.userset(org(ACME), "manager"), "can_send_mail", org(ACME))),
        List.of());

    assertThat(allowed(member, ACME, Capability.SEND_MAIL)).isFalse();
    assertThat(allowed(manager, ACME, Capability.SEND_MAIL)).isTrue();
    assertThat(allowed(member, ACME, Capability.MODIFY_MAIL)).isTrue();
  }

  @Test
  void capability_defaultRevokedForOneUser_leavesTheOthers() {
    UserId mia = UserId.of("mia");
    UserId mo = UserId.of("mo");
    grant(ACME, mia, Role.MEMBER);
    grant(ACME, mo, Role.MEMBER);

    authorizer.write(
        List.of(new RelationshipTuple(SubjectRef.user(mia), "send_mail_revoked", org(ACME))),
        List.of());

    assertThat(allowed(mia, ACME, Capability.SEND_MAIL)).isFalse();
    assertThat(allowed(mo, ACME, Capability.SEND_MAIL)).isTrue();
  }

  @Test
  void connection_isUsableByItsOwnerInsideTheOrganizationOnly() {
    UserId owner = UserId.of("olga");
    UserId colleague = UserId.of("carl");
    grant(ACME, owner, Role.GUEST);
    grant(ACME, colleague, Role.ADMIN);
    ObjectRef gmail = ObjectRef.of("connection", "olga-gmail");
    authorizer.write(
        List.of(
            new RelationshipTuple(SubjectRef.of("organization", "acme"), "organization", gmail),
            new RelationshipTuple(SubjectRef.user(owner), "owner", gmail)),
        List.of());

    boolean ownerMay = canUse(owner, gmail);
    boolean adminColleagueMay = canUse(colleague, gmail);
    authorizer.write(List.of(), List.of(roleTuple(ACME, owner, Role.GUEST)));
    boolean ownerAfterLeaving = canUse(owner, gmail);

    assertThat(ownerMay).isTrue();
    assertThat(adminColleagueMay).isFalse();
    assertThat(ownerAfterLeaving).isFalse();
  }

  @Test
  void connection_ownedByAMemberOfAnotherOrganization_isNotUsable() {
    UserId owner = UserId.of("olga");
    grant(GLOBEX, owner, Role.ADMIN);
    ObjectRef notion = ObjectRef.of("connection", "olga-notion");
    authorizer.write(
        List.of(
            new RelationshipTuple(SubjectRef.of("organization", "acme"), "organization", notion),
            new RelationshipTuple(SubjectRef.user(owner), "owner", notion)),
        List.of());

    assertThat(canUse(owner, notion)).isFalse();
  }

  @Test
  void documents_listObjects_returnsOnlyWhatTheUserMaySee() {
    UserId ann = UserId.of("ann");
    UserId ben = UserId.of("ben");
    UserId outsider = UserId.of("otto");
    grant(ACME, ann, Role.MEMBER);
    grant(ACME, ben, Role.GUEST);
    grant(GLOBEX, outsider, Role.ADMIN);
    ObjectRef shared = document("roadmap", ACME);
    ObjectRef child = document("roadmap-q3", ACME);
    ObjectRef annsNotes = document("ann-notes", ACME);
    ObjectRef publicPage = document("handbook", ACME);
    authorizer.write(
        List.of(
            new RelationshipTuple(SubjectRef.userset(org(ACME), "member"), "viewer", shared),
            new RelationshipTuple(SubjectRef.of("document", "roadmap"), "parent", child),
            new RelationshipTuple(SubjectRef.user(ann), "owner", annsNotes),
            new RelationshipTuple(
                new SubjectRef("user", SubjectRef.WILDCARD, null), "viewer", publicPage)),
        List.of());

    assertThat(visible(ann)).containsExactlyInAnyOrder(shared, child, annsNotes, publicPage);
    assertThat(visible(ben)).containsExactly(publicPage);
    assertThat(visible(outsider)).isEmpty();
  }

  @Test
  void documents_editingNeedsEditorAndTheUpdateCapability() {
    UserId ann = UserId.of("ann");
    UserId ben = UserId.of("ben");
    grant(ACME, ann, Role.MEMBER);
    grant(ACME, ben, Role.GUEST);
    ObjectRef page = document("plan", ACME);
    authorizer.write(
        List.of(new RelationshipTuple(SubjectRef.userset(org(ACME), "guest"), "editor", page)),
        List.of());

    assertThat(check(ann, "can_edit", page)).isTrue();
    assertThat(check(ben, "can_edit", page)).isFalse();
    assertThat(check(ben, "can_view", page)).isTrue();
  }

  @Test
  void approvals_decidersFollowTheRequesterRole() {
    UserId member = UserId.of("mia");
    UserId otherMember = UserId.of("mo");
    UserId guest = UserId.of("gina");
    UserId manager = UserId.of("max");
    UserId foreignManager = UserId.of("fred");
    grant(ACME, member, Role.MEMBER);
    grant(ACME, otherMember, Role.MEMBER);
    grant(ACME, guest, Role.GUEST);
    grant(ACME, manager, Role.MANAGER);
    grant(GLOBEX, foreignManager, Role.MANAGER);
    ObjectRef membersCall = approval("a1", member);
    ObjectRef guestsCall = approval("a2", guest);

    assertThat(check(member, "can_decide", membersCall)).isTrue();
    assertThat(check(otherMember, "can_decide", membersCall)).isFalse();
    assertThat(check(manager, "can_decide", membersCall)).isTrue();
    assertThat(check(guest, "can_decide", guestsCall)).isFalse();
    assertThat(check(manager, "can_decide", guestsCall)).isTrue();
    assertThat(check(foreignManager, "can_decide", guestsCall)).isFalse();
  }

  private ObjectRef document(String id, OrganizationId organization) {
    ObjectRef document = ObjectRef.of("document", id);
    authorizer.write(
        List.of(
            new RelationshipTuple(
                SubjectRef.of("organization", organization.value()), "organization", document)),
        List.of());
    return document;
  }

  private ObjectRef approval(String id, UserId requester) {
    ObjectRef approval = ObjectRef.of("approval", id);
    authorizer.write(
        List.of(
            new RelationshipTuple(SubjectRef.of("organization", "acme"), "organization", approval),
            new RelationshipTuple(SubjectRef.user(requester), "requester", approval)),
        List.of());
    return approval;
  }

  private List<ObjectRef> visible(UserId user) {
    return authorizer.listObjects(SubjectRef.user(user), "can_view", "document");
  }

  private boolean canUse(UserId user, ObjectRef connection) {
    return check(user, "can_use", connection);
  }

  private boolean check(UserId user, String relation, ObjectRef object) {
    return authorizer.check(CheckRequest.of(SubjectRef.user(user), relation, object)).allowed();
  }

  private boolean allowed(UserId user, OrganizationId organization, Capability capability) {
    return authorizer
        .check(CheckRequest.of(SubjectRef.user(user), capability.relation(), org(organization)))
        .allowed();
  }

  private void grant(OrganizationId organization, UserId user, Role role) {
    authorizer.write(List.of(roleTuple(organization, user, role)), List.of());
  }

  private static RelationshipTuple roleTuple(OrganizationId organization, UserId user, Role role) {
    return new RelationshipTuple(SubjectRef.user(user), role.wireName(), org(organization));
  }

  private static ObjectRef org(OrganizationId organization) {
    return Capability.organizationObject(organization);
  }
}
