package dev.nexus.vault;

import dev.nexus.core.error.NotFoundException;
import dev.nexus.core.identity.Membership;
import dev.nexus.core.identity.Organization;
import dev.nexus.core.identity.OrganizationDirectory;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The local organization directory on PostgreSQL: organizations and their members, each
 * organization's rows visible only inside a transaction scoped to it.
 */
public final class JdbiOrganizationDirectory implements OrganizationDirectory {

  private final Jdbi jdbi;

  public JdbiOrganizationDirectory(Jdbi jdbi) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
  }

  @Override
  public Organization createIfAbsent(Organization organization) {
    Objects.requireNonNull(organization, "organization");
    return Tenancy.inOrganization(
        jdbi,
        organization.id(),
        "creating an organization",
        handle -> {
          // Of concurrent callers, one inserts; the others wait for its commit and find its row.
          handle
              .createUpdate(
                  "INSERT INTO organization (id, name, personal, created_at, created_at_nanos)"
                      + " VALUES (:id, :name, :personal, :createdAt, :createdAtNanos)"
                      + " ON CONFLICT (id) DO NOTHING")
              .bind("id", organization.id().value())
              .bind("name", organization.name())
              .bind("personal", organization.personal())
              .bindByType(
                  "createdAt", Instants.timestamp(organization.createdAt()), OffsetDateTime.class)
              .bind("createdAtNanos", Instants.nanos(organization.createdAt()))
              .execute();
          return select(handle, organization.id()).orElseThrow();
        });
  }

  @Override
  public Optional<Organization> find(OrganizationId id) {
    Objects.requireNonNull(id, "id");
    return Tenancy.inOrganization(
        jdbi, id, "reading an organization", handle -> select(handle, id));
  }

  @Override
  public Membership putMember(OrganizationId organization, UserId user, Role role) {
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(role, "role");
    return Tenancy.inOrganization(
        jdbi,
        organization,
        "changing a membership",
        handle -> {
          if (select(handle, organization).isEmpty()) {
            throw new NotFoundException("there is no organization " + organization);
          }
          handle
              .createUpdate(
                  "INSERT INTO membership (organization_id, user_id, role)"
                      + " VALUES (:org, :user, :role)"
                      + " ON CONFLICT (organization_id, user_id) DO UPDATE SET role = :role")
              .bind("org", organization.value())
              .bind("user", user.value())
              .bind("role", role.name())
              .execute();
          return new Membership(organization, user, role);
        });
  }

  @Override
  public boolean removeMember(OrganizationId organization, UserId user) {
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(user, "user");
    return Tenancy.inOrganization(
        jdbi,
        organization,
        "removing a member",
        handle ->
            handle
                    .createUpdate(
                        "DELETE FROM membership WHERE organization_id = :org AND user_id = :user")
                    .bind("org", organization.value())
                    .bind("user", user.value())
                    .execute()
                > 0);
  }

  @Override
  public Optional<Membership> membership(OrganizationId organization, UserId user) {
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(user, "user");
    return Tenancy.inOrganization(
        jdbi,
        organization,
        "reading a membership",
        handle ->
            handle
                .createQuery(
                    "SELECT organization_id, user_id, role FROM membership"
                        + " WHERE organization_id = :org AND user_id = :user")
                .bind("org", organization.value())
                .bind("user", user.value())
                .map((row, context) -> readMembership(row))
                .findOne());
  }

  @Override
  public List<Membership> members(OrganizationId organization) {
    Objects.requireNonNull(organization, "organization");
    return Tenancy.inOrganization(
        jdbi,
        organization,
        "listing members",
        handle ->
            handle
                .createQuery(
                    "SELECT organization_id, user_id, role FROM membership"
                        + " WHERE organization_id = :org ORDER BY user_id COLLATE \"C\"")
                .bind("org", organization.value())
                .map((row, context) -> readMembership(row))
                .list());
  }

  private static Optional<Organization> select(Handle handle, OrganizationId id) {
    return handle
        .createQuery(
            "SELECT id, name, personal, created_at, created_at_nanos FROM organization"
                + " WHERE id = :id")
        .bind("id", id.value())
        .map(
            (row, context) ->
                new Organization(
                    OrganizationId.of(row.getString("id")),
                    row.getString("name"),
                    row.getBoolean("personal"),
                    Instants.read(row, "created_at")))
        .findOne();
  }

  private static Membership readMembership(ResultSet row) throws SQLException {
    return new Membership(
        OrganizationId.of(row.getString("organization_id")),
        UserId.of(row.getString("user_id")),
        Role.valueOf(row.getString("role")));
  }
}
