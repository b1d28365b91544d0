package dev.nexus.authz.auth0;

import dev.nexus.core.audit.AuditAction;
import dev.nexus.core.audit.AuditEvent;
import dev.nexus.core.audit.AuditLog;
import dev.nexus.core.authorization.Authorizer;
import dev.nexus.core.authorization.Capability;
import dev.nexus.core.authorization.RelationshipStore;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.core.authorization.SubjectRef;
import dev.nexus.core.identity.Organization;
import dev.nexus.core.identity.OrganizationDirectory;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Principal;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gives a user who logs in without an organization their personal one, with them as its admin.
 *
 * <p>The organization id is derived from the user id ({@code personal-} and the first 32 hex digits
 * of the SHA-256 of the user id), so every login of the same user, on any node, names the same
 * organization. Onboarding is three idempotent steps: {@link OrganizationDirectory#createIfAbsent},
 * the user as admin member in the directory, and the tuple {@code user:<id> admin
 * organization:<org>}. It runs whenever the model says the user holds no role in their personal
 * organization, so a login after a half-finished onboarding completes it. Concurrent first logins
 * of one user are serialized inside this process; across processes the directory's atomic create
 * decides, and the writes that follow are idempotent. One {@code ORGANIZATION_CREATED} audit event
 * is appended, by the caller whose create stored the organization.
 *
 * <p>Limitations: two processes onboarding the same user in the same millisecond could both believe
 * they created the organization and audit it twice; the organization, membership and tuple stay
 * single.
 */
public final class PersonalOrganizations {

  /** The prefix of every personal organization id. */
  public static final String ID_PREFIX = "personal-";

  private final Authorizer authorizer;
  private final RelationshipStore relationships;
  private final OrganizationDirectory directory;
  private final AuditLog audit;
  private final Clock clock;
  private final ConcurrentHashMap<UserId, Object> onboarding = new ConcurrentHashMap<>();

  /**
   * @param authorizer answers whether the user already holds a role in their personal organization
   * @param relationships receives the admin tuple
   * @param directory stores the organization and its membership
   * @param audit receives one {@code ORGANIZATION_CREATED} event per organization created
   * @param clock stamps the organization and the audit event
   */
  public PersonalOrganizations(
      Authorizer authorizer,
      RelationshipStore relationships,
      OrganizationDirectory directory,
      AuditLog audit,
      Clock clock) {
    this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
    this.relationships = Objects.requireNonNull(relationships, "relationships");
    this.directory = Objects.requireNonNull(directory, "directory");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The id of {@code user}'s personal organization. */
  public static OrganizationId idFor(UserId user) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(user.value().getBytes(StandardCharsets.UTF_8));
      return OrganizationId.of(ID_PREFIX + HexFormat.of().formatHex(digest, 0, 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * The principal of {@code user} in their personal organization, creating it first if needed.
   *
   * @throws dev.nexus.core.error.RetriableException when the directory or the authorization model
   *     is unavailable
   */
  public Principal ensure(UserId user) {
    Objects.requireNonNull(user, "user");
    OrganizationId organization = idFor(user);
    Optional<Role> role = Auth0Authenticator.roleFromModel(authorizer, user, organization);
    if (role.isPresent()) {
      return new Principal(user, organization, role.get());
    }

    Object lock = onboarding.computeIfAbsent(user, ignored -> new Object());
    try {
      synchronized (lock) {
        role = Auth0Authenticator.roleFromModel(authorizer, user, organization);
        if (role.isPresent()) {
          return new Principal(user, organization, role.get());
        }
        onboard(user, organization);
        return new Principal(user, organization, Role.ADMIN);
      }
    } finally {
      onboarding.remove(user, lock);
    }
  }

  private void onboard(UserId user, OrganizationId organization) {
    Organization candidate =
        new Organization(organization, "Personal workspace", true, clock.instant());
    boolean existedBefore = directory.find(organization).isPresent();
    Organization stored = directory.createIfAbsent(candidate);
    // A store may keep timestamps at millisecond precision; the create that won stored ours.
    boolean created =
        !existedBefore
            && stored
                .createdAt()
                .truncatedTo(ChronoUnit.MILLIS)
                .equals(candidate.createdAt().truncatedTo(ChronoUnit.MILLIS));
    directory.putMember(organization, user, Role.ADMIN);
    relationships.write(
        List.of(
            new RelationshipTuple(
                SubjectRef.user(user),
                Role.ADMIN.wireName(),
                Capability.organizationObject(organization))),
        List.of());
    if (created) {
      audit.append(
          new AuditEvent(
              organization,
              clock.instant(),
              user,
              AuditAction.ORGANIZATION_CREATED,
              organization.value(),
              Map.of("personal", "true")));
    }
  }
}
