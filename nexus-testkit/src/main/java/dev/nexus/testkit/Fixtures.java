package dev.nexus.testkit;

import dev.nexus.core.authorization.Authorizer;
import dev.nexus.core.authorization.Capability;
import dev.nexus.core.authorization.RelationshipStore;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.core.authorization.SubjectRef;
import dev.nexus.core.identity.Credential;
import dev.nexus.core.identity.Organization;
import dev.nexus.core.identity.OrganizationDirectory;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Principal;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import dev.nexus.testkit.memory.InMemoryAuthenticator;
import dev.nexus.testkit.memory.InMemoryAuthorizer;
import dev.nexus.testkit.memory.InMemoryOrganizationDirectory;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Organizations, users and roles in one line each. Every user written here is both a member in the
 * {@link OrganizationDirectory} and holds the role tuple {@code user:U <role> organization:O} in
 * the {@link RelationshipStore}, so directory and authorizer agree.
 *
 * <pre>{@code
 * Fixtures fx = Fixtures.inMemory();
 * Principal alice = fx.member("acme", "alice");
 * Principal boss = fx.manager("acme", "boss");
 * Principal mallory = fx.admin("evil", "mallory");
 * }</pre>
 *
 * <p>It also hands out bearer credentials that its {@link InMemoryAuthenticator} accepts. Not
 * thread-safe for concurrent role changes of the same user; set fixtures up before the test acts.
 */
public final class Fixtures {

  private final OrganizationDirectory directory;
  private final Authorizer authorizer;
  private final RelationshipStore relationships;
  private final MutableClock clock;
  private final InMemoryAuthenticator authenticator = new InMemoryAuthenticator();

  private Fixtures(
      OrganizationDirectory directory,
      Authorizer authorizer,
      RelationshipStore relationships,
      MutableClock clock) {
    this.directory = Objects.requireNonNull(directory, "directory");
    this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
    this.relationships = Objects.requireNonNull(relationships, "relationships");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Fixtures over fresh in-memory adapters: an {@link InMemoryOrganizationDirectory}, one {@link
   * InMemoryAuthorizer} as both authorizer and relationship store, and a {@link MutableClock} at
   * {@link MutableClock#DEFAULT_START}.
   */
  public static Fixtures inMemory() {
    InMemoryAuthorizer authorizer = new InMemoryAuthorizer();
    return new Fixtures(
        new InMemoryOrganizationDirectory(), authorizer, authorizer, new MutableClock());
  }

  /** Fixtures over any adapters, for example the real ones under a contract test. */
  public static Fixtures using(
      OrganizationDirectory directory,
      Authorizer authorizer,
      RelationshipStore relationships,
      MutableClock clock) {
    return new Fixtures(directory, authorizer, relationships, clock);
  }

  /** The tuple giving {@code user} the {@code role} in {@code organization}. */
  public static RelationshipTuple roleTuple(OrganizationId organization, UserId user, Role role) {
    return new RelationshipTuple(
        SubjectRef.user(user), role.wireName(), Capability.organizationObject(organization));
  }

  /** Creates the organization (named after its id) unless it exists; returns its id. */
  public OrganizationId organization(String id) {
    OrganizationId organization = OrganizationId.of(id);
    directory.createIfAbsent(new Organization(organization, id, false, clock.instant()));
    return organization;
  }

  /** An admin of {@code organization}, which is created if needed. */
  public Principal admin(String organization, String user) {
    return user(organization, user, Role.ADMIN);
  }

  /** A manager of {@code organization}, which is created if needed. */
  public Principal manager(String organization, String user) {
    return user(organization, user, Role.MANAGER);
  }

  /** A member of {@code organization}, which is created if needed. */
  public Principal member(String organization, String user) {
    return user(organization, user, Role.MEMBER);
  }

  /** A guest of {@code organization}, which is created if needed. */
  public Principal guest(String organization, String user) {
    return user(organization, user, Role.GUEST);
  }

  /**
   * Makes {@code user} a member of {@code organization} with exactly {@code role}: the directory
   * membership is written and any other role tuple of the user there is replaced.
   */
  public Principal user(String organization, String user, Role role) {
    Objects.requireNonNull(role, "role");
    OrganizationId org = organization(organization);
    UserId id = UserId.of(user);
    directory.putMember(org, id, role);
    relationships.write(List.of(roleTuple(org, id, role)), otherRoleTuples(org, id, role));
    return new Principal(id, org, role);
  }

  /** Removes the principal's membership and role tuples; returns whether they were a member. */
  public boolean remove(Principal principal) {
    Objects.requireNonNull(principal, "principal");
    relationships.write(
        List.of(), otherRoleTuples(principal.organization(), principal.user(), null));
    return directory.removeMember(principal.organization(), principal.user());
  }

  /**
   * A bearer credential that {@link #authenticator()} maps to {@code principal} (registering it the
   * first time).
   */
  public Credential credentialFor(Principal principal) {
    Objects.requireNonNull(principal, "principal");
    String bearer = "test-bearer." + principal.organization() + "." + principal.user();
    authenticator.register(bearer, principal);
    return Credential.bearer(bearer);
  }

  public OrganizationDirectory directory() {
    return directory;
  }

  public Authorizer authorizer() {
    return authorizer;
  }

  public RelationshipStore relationships() {
    return relationships;
  }

  public InMemoryAuthenticator authenticator() {
    return authenticator;
  }

  public MutableClock clock() {
    return clock;
  }

  private static List<RelationshipTuple> otherRoleTuples(
      OrganizationId organization, UserId user, Role keep) {
    List<RelationshipTuple> tuples = new ArrayList<>();
    for (Role role : Role.values()) {
      if (role != keep) {
        tuples.add(roleTuple(organization, user, role));
      }
    }
    return tuples;
  }
}
