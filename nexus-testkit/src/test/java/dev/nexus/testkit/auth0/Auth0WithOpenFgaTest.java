package dev.nexus.testkit.auth0;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.authz.auth0.Auth0Authenticator;
import dev.nexus.authz.auth0.Auth0OrganizationDirectory;
import dev.nexus.authz.auth0.Auth0TokenPolicy;
import dev.nexus.authz.auth0.PersonalOrganizations;
import dev.nexus.authz.openfga.OpenFgaAuthorizer;
import dev.nexus.authz.openfga.OpenFgaCredentials;
import dev.nexus.authz.openfga.OpenFgaSettings;
import dev.nexus.core.authorization.Capability;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.core.authorization.SubjectRef;
import dev.nexus.core.identity.AuthenticationResult;
import dev.nexus.core.identity.Credential;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Principal;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import dev.nexus.testkit.MutableClock;
import dev.nexus.testkit.memory.InMemoryAuditLog;
import dev.nexus.testkit.openfga.FakeOpenFgaServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Identity and authorization together as the server wires them: Auth0 tokens, roles and personal
 * organizations in OpenFGA (the fake, through the SDK), organizations in Auth0 (the fake, through
 * the Management API client).
 */
class Auth0WithOpenFgaTest {

  private final MutableClock clock = new MutableClock();
  private FakeAuth0Server auth0;
  private FakeOpenFgaServer fga;
  private OpenFgaAuthorizer authorizer;
  private Auth0Authenticator authenticator;
  private String store;

  @BeforeEach
  void start() {
    auth0 = FakeAuth0Server.start(clock);
    fga = FakeOpenFgaServer.start();
    store = fga.createStore("nexus");
    authorizer =
        new OpenFgaAuthorizer(
            OpenFgaSettings.of(fga.baseUrl(), store, new OpenFgaCredentials.None())
                .withRetries(1, Duration.ofMillis(1)));
    authorizer.writeNexusModel();
    Auth0TokenPolicy policy =
        Auth0TokenPolicy.forTenant(auth0.baseUrl(), FakeAuth0Server.DEFAULT_AUDIENCE);
    authenticator =
        new Auth0Authenticator(
            policy,
            Auth0Authenticator.keySet(policy),
            authorizer,
            new PersonalOrganizations(
                authorizer,
                authorizer,
                Auth0OrganizationDirectory.connect(
                    auth0.baseUrl(),
                    FakeAuth0Server.DEFAULT_CLIENT_ID,
                    FakeAuth0Server.DEFAULT_CLIENT_SECRET),
                new InMemoryAuditLog(),
                clock),
            clock);
  }

  @AfterEach
  void stop() {
    fga.close();
    auth0.close();
  }

  @Test
  void firstLoginWithoutOrganization_makesTheUserAdminOfAPersonalOrganizationInBoth() {
    String token = auth0.token().subject("auth0|zoe").sign();

    AuthenticationResult result = authenticator.authenticate(Credential.bearer(token));

    Principal zoe = ((AuthenticationResult.Authenticated) result).principal();
    assertThat(zoe.role()).isEqualTo(Role.ADMIN);
    assertThat(zoe.organization()).isEqualTo(PersonalOrganizations.idFor(UserId.of("auth0|zoe")));
    assertThat(authorizer.check(Capability.MANAGE_MEMBERS.checkFor(zoe)).allowed()).isTrue();
    assertThat(auth0.organizationCount()).isEqualTo(1);
  }

  @Test
  void organizationLogin_roleComesFromOpenFga() {
    OrganizationId acme = OrganizationId.of("org_acme");
    authorizer.write(
        List.of(
            new RelationshipTuple(
                SubjectRef.user(UserId.of("auth0|yan")),
                "manager",
                Capability.organizationObject(acme))),
        List.of());
    String token = auth0.token().subject("auth0|yan").organization("org_acme").sign();

    AuthenticationResult result = authenticator.authenticate(Credential.bearer(token));

    assertThat(result)
        .isEqualTo(
            new AuthenticationResult.Authenticated(
                new Principal(UserId.of("auth0|yan"), acme, Role.MANAGER)));
  }
}
