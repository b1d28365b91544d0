package dev.nexus.core.identity;

import java.util.List;
import java.util.Optional;

/**
 * Organizations and their members. Every method is scoped by organization; an adapter never returns
 * a member of another organization.
 */
public interface OrganizationDirectory {

  /**
   * Creates the organization unless one with the same id exists, atomically: of concurrent callers
   * exactly one creates it. Returns the organization as stored (the existing one if it was already
   * there).
   */
  Organization createIfAbsent(Organization organization);

  /** The organization with this id, or empty. */
  Optional<Organization> find(OrganizationId id);

  /**
   * Adds a member with a role, or changes the role of an existing member.
   *
   * @throws dev.nexus.core.error.NotFoundException when the organization does not exist
   */
  Membership putMember(OrganizationId organization, UserId user, Role role);

  /** Removes a member; returns whether they were a member. */
  boolean removeMember(OrganizationId organization, UserId user);

  /** The membership of this user in this organization, or empty. */
  Optional<Membership> membership(OrganizationId organization, UserId user);

  /** Every member of the organization, ordered by user id; empty for an unknown organization. */
  List<Membership> members(OrganizationId organization);
}
