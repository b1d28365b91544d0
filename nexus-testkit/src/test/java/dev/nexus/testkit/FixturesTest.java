package dev.nexus.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.core.authorization.Capability;
import dev.nexus.core.identity.AuthenticationResult;
import dev.nexus.core.identity.Credential;
import dev.nexus.core.identity.Membership;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Principal;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FixturesTest {

  private final Fixtures fx = Fixtures.inMemory();

  @Test
  void member_createsOrganizationMembershipAndRoleTuple() {
    Principal alice = fx.member("acme", "alice");

    assertThat(alice)
        .isEqualTo(new Principal(UserId.of("alice"), OrganizationId.of("acme"), Role.MEMBER));
    assertThat(fx.directory().find(OrganizationId.of("acme"))).isPresent();
    assertThat(fx.directory().membership(alice.organization(), alice.user()))
        .contains(new Membership(alice.organization(), alice.user(), Role.MEMBER));
    assertThat(fx.relationships().read(Capability.organizationObject(alice.organization())))
        .containsExactly(Fixtures.roleTuple(alice.organization(), alice.user(), Role.MEMBER));
  }

  @Test
  void roles_grantTheirCapabilitiesThroughTheAuthorizer() {
    Principal guest = fx.guest("acme", "gina");
    Principal member = fx.member("acme", "mia");
    Principal manager = fx.manager("acme", "max");
    Principal admin = fx.admin("acme", "ada");

    assertThat(allowed(guest, Capability.READ_MAIL)).isTrue();
    assertThat(allowed(guest, Capability.SEND_MAIL)).isFalse();
    assertThat(allowed(member, Capability.SEND_MAIL)).isTrue();
    assertThat(allowed(member, Capability.APPROVE_CALLS)).isFalse();
    assertThat(allowed(manager, Capability.APPROVE_CALLS)).isTrue();
    assertThat(allowed(manager, Capability.MANAGE_MEMBERS)).isFalse();
    assertThat(allowed(admin, Capability.MANAGE_MEMBERS)).isTrue();
  }

  @Test
  void user_changingTheRole_replacesTheOldRoleTuple() {
    fx.admin("acme", "alice");

    Principal demoted = fx.guest("acme", "alice");

    assertThat(fx.relationships().read(Capability.organizationObject(demoted.organization())))
        .containsExactly(Fixtures.roleTuple(demoted.organization(), demoted.user(), Role.GUEST));
    assertThat(allowed(demoted, Capability.SEND_MAIL)).isFalse();
    assertThat(fx.directory().members(demoted.organization())).hasSize(1);
  }

  @Test
  void remove_takesAwayMembershipAndRights() {
    Principal alice = fx.member("acme", "alice");

    boolean removed = fx.remove(alice);

    assertThat(removed).isTrue();
    assertThat(fx.directory().membership(alice.organization(), alice.user())).isEmpty();
    assertThat(allowed(alice, Capability.READ_MAIL)).isFalse();
  }

  @Test
  void usersOfTwoOrganizations_holdNothingInTheOther() {
    Principal alice = fx.admin("acme", "alice");
    Principal mallory = fx.admin("evil", "mallory");

    Principal malloryInAcme = new Principal(mallory.user(), alice.organization(), Role.ADMIN);

    assertThat(allowed(malloryInAcme, Capability.READ_MAIL)).isFalse();
    assertThat(fx.directory().members(alice.organization()))
        .extracting(Membership::user)
        .containsExactly(alice.user());
  }

  @Test
  void credentialFor_isAcceptedByTheAuthenticator() {
    Principal alice = fx.member("acme", "alice");

    Credential credential = fx.credentialFor(alice);
    AuthenticationResult result = fx.authenticator().authenticate(credential);
    AuthenticationResult unknown = fx.authenticator().authenticate(Credential.bearer("forged"));

    assertThat(result).isEqualTo(new AuthenticationResult.Authenticated(alice));
    assertThat(unknown).isInstanceOf(AuthenticationResult.Refused.class);
    assertThat(((AuthenticationResult.Refused) unknown).reason()).doesNotContain("forged");
  }

  @Test
  void clock_advancesOnlyWhenTold() {
    Instant start = fx.clock().instant();

    Instant later = fx.clock().advance(Duration.ofMinutes(16));

    assertThat(start).isEqualTo(MutableClock.DEFAULT_START);
    assertThat(later).isEqualTo(start.plus(Duration.ofMinutes(16)));
    assertThat(fx.clock().instant()).isEqualTo(later);
  }

  private boolean allowed(Principal principal, Capability capability) {
    return fx.authorizer().check(capability.checkFor(principal)).allowed();
  }
}
