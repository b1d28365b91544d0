package dev.nexus.testkit.memory;

import dev.nexus.core.error.NotFoundException;
import dev.nexus.core.identity.Membership;
import dev.nexus.core.identity.Organization;
import dev.nexus.core.identity.OrganizationDirectory;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** An {@link OrganizationDirectory} held in memory. Thread-safe. */
public final class InMemoryOrganizationDirectory implements OrganizationDirectory {

  private final ConcurrentMap<OrganizationId, Organization> organizations =
      new ConcurrentHashMap<>();
  private final ConcurrentMap<OrganizationId, ConcurrentSkipListMap<String, Membership>> members =
      new ConcurrentHashMap<>();

  @Override
  public Organization createIfAbsent(Organization organization) {
    Objects.requireNonNull(organization, "organization");
    Organization stored = organizations.putIfAbsent(organization.id(), organization);
    members.computeIfAbsent(organization.id(), id -> new ConcurrentSkipListMap<>());
    return stored != null ? stored : organization;
  }

  @Override
  public Optional<Organization> find(OrganizationId id) {
    Objects.requireNonNull(id, "id");
    return Optional.ofNullable(organizations.get(id));
  }

  @Override
  public Membership putMember(OrganizationId organization, UserId user, Role role) {
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(role, "role");
    if (!organizations.containsKey(organization)) {
      throw new NotFoundException("organization " + organization + " does not exist");
    }
    Membership membership = new Membership(organization, user, role);
    members
        .computeIfAbsent(organization, id -> new ConcurrentSkipListMap<>())
        .put(user.value(), membership);
    return membership;
  }

  @Override
  public boolean removeMember(OrganizationId organization, UserId user) {
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(user, "user");
    Map<String, Membership> of = members.get(organization);
    return of != null && of.remove(user.value()) != null;
  }

  @Override
  public Optional<Membership> membership(OrganizationId organization, UserId user) {
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(user, "user");
    Map<String, Membership> of = members.get(organization);
    return Optional.ofNullable(of == null ? null : of.get(user.value()));
  }

  @Override
  public List<Membership> members(OrganizationId organization) {
    Objects.requireNonNull(organization, "organization");
    Map<String, Membership> of = members.get(organization);
    return of == null ? List.of() : List.copyOf(of.values());
  }
}
