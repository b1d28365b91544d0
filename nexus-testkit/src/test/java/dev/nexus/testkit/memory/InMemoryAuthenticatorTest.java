package dev.nexus.testkit.memory;

import dev.nexus.core.identity.Authenticator;
import dev.nexus.core.identity.Credential;
import dev.nexus.core.identity.Principal;
import dev.nexus.testkit.contract.AuthenticatorContract;
import java.util.List;
import java.util.UUID;

class InMemoryAuthenticatorTest extends AuthenticatorContract {

  private final InMemoryAuthenticator authenticator = new InMemoryAuthenticator();

  @Override
  protected Authenticator createAuthenticator() {
    return authenticator;
  }

  @Override
  protected Credential validCredential(Principal principal) {
    String bearer = "bearer-" + UUID.randomUUID();
    authenticator.register(bearer, principal);
    return Credential.bearer(bearer);
  }

  @Override
  protected List<Credential> invalidCredentials(Principal principal) {
    String revoked = "bearer-" + UUID.randomUUID();
    authenticator.register(revoked, principal);
    authenticator.revoke(revoked);
    return List.of(Credential.bearer(revoked), Credential.bearer("   "));
  }
}
