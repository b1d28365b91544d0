package dev.nexus.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.error.NotFoundException;
import dev.nexus.core.identity.Membership;
import dev.nexus.core.identity.Organization;
import dev.nexus.core.identity.OrganizationDirectory;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link OrganizationDirectory} must do. Extend it and implement the factory. */
public abstract class OrganizationDirectoryContract {

  private static final Instant NOW = Instant.parse("2026-01-01T09:00:00Z");

  private OrganizationDirectory directory;

  /** A directory for one test (it may share storage with other tests). */
  protected abstract OrganizationDirectory createDirectory();

  @BeforeEach
  void createSubject() {
    directory = createDirectory();
  }

  @Test
  void createIfAbsent_newOrganization_isStoredAndFound() {
    Organization acme = organization("acme", "Acme Ltd");

    Organization stored = directory.createIfAbsent(acme);

    assertThat(stored).isEqualTo(acme);
    assertThat(directory.find(acme.id())).contains(acme);
  }

  @Test
  void createIfAbsent_existingId_returnsTheStoredOrganizationUnchanged() {
    Organization first = organization("acme", "First name");
    directory.createIfAbsent(first);

    Organization second =
        directory.createIfAbsent(new Organization(first.id(), "Second name", true, NOW));

    assertThat(second).isEqualTo(first);
    assertThat(directory.find(first.id())).contains(first);
  }

  @Test
  void createIfAbsent_manyConcurrentCallers_allGetTheOneStoredOrganization() {
    OrganizationId id = OrganizationId.of(Unique.id("race"));

    List<Organization> results =
        Concurrently.run(
            16, i -> directory.createIfAbsent(new Organization(id, "name " + i, false, NOW)));

    Organization stored = directory.find(id).orElseThrow();
    assertThat(results).allSatisfy(result -> assertThat(result).isEqualTo(stored));
  }

  @Test
  void find_unknownOrganization_isEmpty() {
    assertThat(directory.find(OrganizationId.of(Unique.id("nowhere")))).isEmpty();
  }

  @Test
  void putMember_unknownOrganization_throwsNotFound() {
    OrganizationId nowhere = OrganizationId.of(Unique.id("nowhere"));

    assertThatThrownBy(() -> directory.putMember(nowhere, UserId.of("alice"), Role.MEMBER))
        .isInstanceOf(NotFoundException.class);
    assertThat(directory.members(nowhere)).isEmpty();
  }

  @Test
  void putMember_newMember_isFoundWithTheRole() {
    Organization acme = directory.createIfAbsent(organization("acme", "Acme"));

    Membership added = directory.putMember(acme.id(), UserId.of("alice"), Role.MEMBER);

    assertThat(added).isEqualTo(new Membership(acme.id(), UserId.of("alice"), Role.MEMBER));
    assertThat(directory.membership(acme.id(), UserId.of("alice"))).contains(added);
  }

  @Test
  void putMember_existingMember_changesTheRole() {
    Organization acme = directory.createIfAbsent(organization("acme", "Acme"));
    directory.putMember(acme.id(), UserId.of("alice"), Role.GUEST);

    directory.putMember(acme.id(), UserId.of("alice"), Role.MANAGER);

    assertThat(directory.membership(acme.id(), UserId.of("alice")))
        .map(Membership::role)
        .contains(Role.MANAGER);
    assertThat(directory.members(acme.id())).hasSize(1);
  }

  @Test
  void members_areOrderedByUserIdAndOnlyOfTheirOrganization() {
    Organization acme = directory.createIfAbsent(organization("acme", "Acme"));
    Organization other = directory.createIfAbsent(organization("other", "Other"));
    directory.putMember(acme.id(), UserId.of("carol"), Role.GUEST);
    directory.putMember(acme.id(), UserId.of("alice"), Role.ADMIN);
    directory.putMember(acme.id(), UserId.of("bob"), Role.MEMBER);
    directory.putMember(other.id(), UserId.of("dave"), Role.ADMIN);

    List<Membership> members = directory.members(acme.id());

    assertThat(members).extracting(m -> m.user().value()).containsExactly("alice", "bob", "carol");
    assertThat(members).allSatisfy(m -> assertThat(m.organization()).isEqualTo(acme.id()));
  }

  @Test
  void membership_inAnotherOrganization_isEmpty() {
    Organization acme = directory.createIfAbsent(organization("acme", "Acme"));
    Organization other = directory.createIfAbsent(organization("other", "Other"));
    directory.putMember(acme.id(), UserId.of("alice"), Role.ADMIN);

    assertThat(directory.membership(other.id(), UserId.of("alice"))).isEmpty();
    assertThat(directory.members(other.id())).isEmpty();
  }

  @Test
  void removeMember_removesOnlyThatMembership() {
    Organization acme = directory.createIfAbsent(organization("acme", "Acme"));
    directory.putMember(acme.id(), UserId.of("alice"), Role.MEMBER);
    directory.putMember(acme.id(), UserId.of("bob"), Role.MEMBER);

    boolean removed = directory.removeMember(acme.id(), UserId.of("alice"));
    boolean removedAgain = directory.removeMember(acme.id(), UserId.of("alice"));

    assertThat(removed).isTrue();
    assertThat(removedAgain).isFalse();
    assertThat(directory.membership(acme.id(), UserId.of("alice"))).isEmpty();
    assertThat(directory.members(acme.id()))
        .extracting(m -> m.user().value())
        .containsExactly("bob");
  }

  @Test
  void members_unknownOrganization_isEmpty() {
    assertThat(directory.members(OrganizationId.of(Unique.id("nowhere")))).isEmpty();
  }

  private static Organization organization(String prefix, String name) {
    return new Organization(OrganizationId.of(Unique.id(prefix)), name, false, NOW);
  }
}
