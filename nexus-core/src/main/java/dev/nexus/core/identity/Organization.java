package dev.nexus.core.identity;

import dev.nexus.core.error.InvalidInputException;
import java.time.Instant;
import java.util.Objects;

/**
 * An organization (tenant). A personal organization is the one a user gets on first login when they
 * arrive without one; its only member starts as its admin.
 */
public record Organization(OrganizationId id, String name, boolean personal, Instant createdAt) {

  public Organization {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(createdAt, "createdAt");
    if (name.isBlank() || name.length() > 200) {
      throw new InvalidInputException("organization name must be 1 to 200 characters");
    }
  }
}
