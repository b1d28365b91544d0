package dev.nexus.core.identity;

import dev.nexus.core.Identifiers;

/** Identifies a user, as the identity provider names them (for example {@code auth0|abc}). */
public record UserId(String value) {

  public UserId {
    Identifiers.check("user id", value);
  }

  public static UserId of(String value) {
    return new UserId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
