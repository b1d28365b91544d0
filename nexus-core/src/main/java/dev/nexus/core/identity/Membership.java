package dev.nexus.core.identity;

import java.util.Objects;

/** A user's membership of an organization, with their role there. */
public record Membership(OrganizationId organization, UserId user, Role role) {

  public Membership {
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(role, "role");
  }
}
