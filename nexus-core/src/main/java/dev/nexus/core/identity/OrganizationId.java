package dev.nexus.core.identity;

import dev.nexus.core.Identifiers;

/** Identifies an organization: the tenant that owns every row and every call. */
public record OrganizationId(String value) {

  public OrganizationId {
    Identifiers.check("organization id", value);
  }

  public static OrganizationId of(String value) {
    return new OrganizationId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
