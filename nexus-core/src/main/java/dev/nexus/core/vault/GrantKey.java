package dev.nexus.core.vault;

import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Principal;
import dev.nexus.core.identity.UserId;
import java.util.Objects;

/**
 * Identifies one OAuth grant: a user's connection to a provider inside one organization. The same
 * person in two organizations has two unrelated grants.
 */
public record GrantKey(OrganizationId organization, UserId user, ProviderId provider) {

  public GrantKey {
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(provider, "provider");
  }

  /** The key of {@code principal}'s own grant for {@code provider}. */
  public static GrantKey of(Principal principal, ProviderId provider) {
    return new GrantKey(principal.organization(), principal.user(), provider);
  }

  @Override
  public String toString() {
    return organization + "/" + user + "/" + provider;
  }
}
