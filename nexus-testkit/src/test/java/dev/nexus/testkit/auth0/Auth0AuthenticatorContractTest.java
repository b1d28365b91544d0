package dev.nexus.testkit.auth0;

import dev.nexus.authz.auth0.Auth0Authenticator;
import dev.nexus.authz.auth0.Auth0TokenPolicy;
import dev.nexus.authz.auth0.PersonalOrganizations;
import dev.nexus.core.authorization.Capability;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.core.authorization.SubjectRef;
import dev.nexus.core.identity.Authenticator;
import dev.nexus.core.identity.Credential;
import dev.nexus.core.identity.Principal;
import dev.nexus.testkit.MutableClock;
import dev.nexus.testkit.contract.AuthenticatorContract;
import dev.nexus.testkit.memory.InMemoryAuditLog;
import dev.nexus.testkit.memory.InMemoryAuthorizer;
import dev.nexus.testkit.memory.InMemoryOrganizationDirectory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The authenticator contract against Auth0Authenticator, with tokens from the fake tenant. */
class Auth0AuthenticatorContractTest extends AuthenticatorContract {

  private static final MutableClock CLOCK = new MutableClock();
  private static FakeAuth0Server auth0;
  private InMemoryAuthorizer model;

  @BeforeAll
  static void startTenant() {
    auth0 = FakeAuth0Server.start(CLOCK);
  }

  @AfterAll
  static void stopTenant() {
    auth0.close();
  }

  @Override
  protected Authenticator createAuthenticator() {
    model = new InMemoryAuthorizer();
    Auth0TokenPolicy policy =
        Auth0TokenPolicy.forTenant(auth0.baseUrl(), FakeAuth0Server.DEFAULT_AUDIENCE);
    return new Auth0Authenticator(
        policy,
        Auth0Authenticator.keySet(policy),
        model,
        new PersonalOrganizations(
            model, model, new InMemoryOrganizationDirectory(), new InMemoryAuditLog(), CLOCK),
        CLOCK);
  }

  @Override
  protected Credential validCredential(Principal principal) {
    model.write(
        List.of(
            new RelationshipTuple(
                SubjectRef.user(principal.user()),
                principal.role().wireName(),
                Capability.organizationObject(principal.organization()))),
        List.of());
    return Credential.bearer(
        auth0
            .token()
            .subject(principal.user().value())
            .organization(principal.organization().value())
            .sign());
  }

  @Override
  protected List<Credential> invalidCredentials(Principal principal) {
    validCredential(principal);
    FakeAuth0Server.TokenBuilder token =
        auth0
            .token()
            .subject(principal.user().value())
            .organization(principal.organization().value());
    return List.of(
        Credential.bearer(auth0.unsignedToken(token.claims())),
        Credential.bearer(auth0.signedWithPublicKeyAsHmacSecret(token.claims())),
        Credential.bearer(auth0.signedWithWrongKey(token.claims())),
        Credential.bearer(auth0.signedWithUnknownKey(token.claims())),
        Credential.bearer(
            auth0
                .token()
                .subject(principal.user().value())
                .organization(principal.organization().value())
                .expiresAt(CLOCK.instant().minus(Duration.ofHours(1)))
                .sign()),
        Credential.bearer(
            auth0
                .token()
                .subject(principal.user().value())
                .organization(principal.organization().value())
                .audience("https://another.api/")
                .sign()));
  }
}
