package dev.nexus.core.identity;

import java.util.Objects;

/**
 * Who is acting: an authenticated user, the organization they act in, and their role there. Every
 * port call that touches tenant data takes the organization from here.
 */
public record Principal(UserId user, OrganizationId organization, Role role) {

  public Principal {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(role, "role");
  }

  /** Whether this principal's role includes {@code role}. */
  public boolean hasRole(Role role) {
    return this.role.includes(role);
  }

  /** Whether this principal acts in {@code organization}. */
  public boolean belongsTo(OrganizationId organization) {
    return this.organization.equals(organization);
  }
}
