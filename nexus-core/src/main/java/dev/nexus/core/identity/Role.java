package dev.nexus.core.identity;

import dev.nexus.core.error.InvalidInputException;
import java.util.Locale;

/**
 * A member's role in an organization. Roles are ordered: each includes every right of the roles
 * below it (admin > manager > member > guest).
 */
public enum Role {
  GUEST,
  MEMBER,
  MANAGER,
  ADMIN;

  /** Whether this role has at least the rights of {@code other}. */
  public boolean includes(Role other) {
    return compareTo(other) >= 0;
  }

  /** The lower-case name used on the wire and in the authorization model. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a role name, ignoring case.
   *
   * @throws InvalidInputException when the name is not one of admin, manager, member, guest
   */
  public static Role parse(String name) {
    if (name != null) {
      for (Role role : values()) {
        if (role.name().equalsIgnoreCase(name.trim())) {
          return role;
        }
      }
    }
    throw new InvalidInputException("role must be one of admin, manager, member, guest");
  }
}
