package dev.nexus.testkit.auth0;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.authz.auth0.Auth0OrganizationDirectory;
import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.error.RetriableException;
import dev.nexus.core.identity.Organization;
import dev.nexus.core.identity.OrganizationDirectory;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import dev.nexus.testkit.contract.OrganizationDirectoryContract;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The directory contract and Auth0 specifics, through the real Management API client. */
class Auth0OrganizationDirectoryTest extends OrganizationDirectoryContract {

  private static FakeAuth0Server auth0;

  @BeforeAll
  static void startTenant() {
    auth0 = FakeAuth0Server.start();
  }

  @AfterAll
  static void stopTenant() {
    auth0.close();
  }

  @Override
  protected OrganizationDirectory createDirectory() {
    return directory();
  }

  private static Auth0OrganizationDirectory directory() {
    return Auth0OrganizationDirectory.connect(
        auth0.baseUrl(), FakeAuth0Server.DEFAULT_CLIENT_ID, FakeAuth0Server.DEFAULT_CLIENT_SECRET);
  }

  @Test
  void createIfAbsent_personalOrganization_keepsItsFlagAndCreationTime() {
    Instant created = Instant.parse("2026-02-03T04:05:06Z");
    Organization personal =
        new Organization(
            OrganizationId.of("personal-0123abcd"), "Personal workspace", true, created);
    Auth0OrganizationDirectory directory = directory();

    directory.createIfAbsent(personal);

    assertThat(directory().find(personal.id())).contains(personal);
  }

  @Test
  void find_byAuth0OrganizationId_mapsTheDashboardOrganization() {
    String id = auth0.seedOrganization("made-in-dashboard", "Made in the dashboard");

    Organization found = directory().find(OrganizationId.of(id)).orElseThrow();

    assertThat(found.name()).isEqualTo("Made in the dashboard");
    assertThat(found.personal()).isFalse();
    assertThat(found.createdAt()).isEqualTo(Instant.EPOCH);
  }

  @Test
  void putMember_byAuth0OrganizationId_assignsTheRole() {
    OrganizationId id = OrganizationId.of(auth0.seedOrganization("by-id-team", "Team"));
    Auth0OrganizationDirectory directory = directory();

    directory.putMember(id, UserId.of("auth0|carol"), Role.ADMIN);

    assertThat(directory.membership(id, UserId.of("auth0|carol")))
        .hasValueSatisfying(m -> assertThat(m.role()).isEqualTo(Role.ADMIN));
  }

  @Test
  void createIfAbsent_idThatIsNoAuth0Name_isInvalidInput() {
    Organization upper =
        new Organization(OrganizationId.of("Upper.Case"), "x", false, Instant.EPOCH);

    assertThatThrownBy(() -> directory().createIfAbsent(upper))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void createIfAbsent_unknownAuth0Id_isInvalidInputAndCreatesNothing() {
    int before = auth0.organizationCount();
    Organization chosen =
        new Organization(OrganizationId.of("org_chosenbyus"), "x", false, Instant.EPOCH);

    assertThatThrownBy(() -> directory().createIfAbsent(chosen))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("create organizations by name");
    assertThat(auth0.organizationCount()).isEqualTo(before);
  }

  @Test
  void members_ofAnUnknownAuth0Id_isEmpty() {
    Auth0OrganizationDirectory directory = directory();

    assertThat(directory.members(OrganizationId.of("org_doesnotexist"))).isEmpty();
    assertThat(directory.removeMember(OrganizationId.of("org_doesnotexist"), UserId.of("a")))
        .isFalse();
  }

  @Test
  void members_moreThanOnePage_areAllListed() {
    OrganizationId id = OrganizationId.of(auth0.seedOrganization("big-team", "Big team"));
    Auth0OrganizationDirectory directory = directory();
    for (int i = 0; i < 55; i++) {
      directory.putMember(id, UserId.of(String.format("auth0|user%02d", i)), Role.MEMBER);
    }

    assertThat(directory.members(id)).hasSize(55);
    assertThat(directory.membership(id, UserId.of("auth0|user54"))).isPresent();
  }

  @Test
  void managementApiRateLimited_isRetriableWithTheWaitAuth0Asked() {
    Auth0OrganizationDirectory directory = directory();
    directory.find(OrganizationId.of("warm-up-token"));
    auth0.failNextManagementCalls(1, 429);

    assertThatThrownBy(() -> directory.find(OrganizationId.of("some-org")))
        .isInstanceOfSatisfying(
            RetriableException.class,
            e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(2)));
  }

  @Test
  void managementApiServerError_isRetriable() {
    Auth0OrganizationDirectory directory = directory();
    auth0.failNextManagementCalls(1, 503);

    assertThatThrownBy(() -> directory.members(OrganizationId.of("some-org")))
        .isInstanceOf(RetriableException.class)
        .hasMessageContaining("HTTP 503");
  }

  @Test
  void managementApiForbidden_isAConfigurationProblem() {
    Auth0OrganizationDirectory directory = directory();
    auth0.failNextManagementCalls(1, 403);

    assertThatThrownBy(() -> directory.find(OrganizationId.of("some-org")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("scopes");
  }

  @Test
  void wrongClientSecret_isAConfigurationProblem() {
    Auth0OrganizationDirectory directory =
        Auth0OrganizationDirectory.connect(
            auth0.baseUrl(), FakeAuth0Server.DEFAULT_CLIENT_ID, "wrong-secret");

    assertThatThrownBy(() -> directory.find(OrganizationId.of("some-org")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("Auth0 refused the management client credentials (HTTP 401)");
  }

  @Test
  void tenantUnreachable_isRetriable() {
    FakeAuth0Server gone = FakeAuth0Server.start();
    String url = gone.baseUrl();
    gone.close();
    Auth0OrganizationDirectory directory =
        Auth0OrganizationDirectory.connect(
            url, FakeAuth0Server.DEFAULT_CLIENT_ID, FakeAuth0Server.DEFAULT_CLIENT_SECRET);

    assertThatThrownBy(() -> directory.find(OrganizationId.of("some-org")))
        .isInstanceOf(RetriableException.class);
  }
}
