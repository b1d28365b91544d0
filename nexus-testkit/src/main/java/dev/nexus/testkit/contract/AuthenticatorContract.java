package dev.nexus.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.core.identity.AuthenticationResult;
import dev.nexus.core.identity.AuthenticationResult.Authenticated;
import dev.nexus.core.identity.AuthenticationResult.Refused;
import dev.nexus.core.identity.Authenticator;
import dev.nexus.core.identity.Credential;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Principal;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Authenticator} must do: a valid credential names exactly its principal, and
 * anything else is a {@link Refused} value whose reason never repeats the credential.
 */
public abstract class AuthenticatorContract {

  private Authenticator authenticator;

  /** An authenticator for one test. */
  protected abstract Authenticator createAuthenticator();

  /**
   * A credential that the authenticator of this test accepts as {@code principal}; set up whatever
   * that takes (a signed token, its organization, the role).
   */
  protected abstract Credential validCredential(Principal principal);

  /**
   * Credentials for {@code principal} that the authenticator must refuse (expired, badly signed,
   * revoked, ...). Empty by default; malformed ones are tested anyway.
   */
  protected List<Credential> invalidCredentials(Principal principal) {
    return List.of();
  }

  @BeforeEach
  void setUp() {
    authenticator = createAuthenticator();
  }

  @Test
  void authenticate_validCredential_namesItsPrincipal() {
    Principal alice = principal(Role.MEMBER);

    AuthenticationResult result = authenticator.authenticate(validCredential(alice));

    assertThat(result).isEqualTo(new Authenticated(alice));
  }

  @Test
  void authenticate_sameUserInTwoOrganizations_keepsTheOrganizationsApart() {
    UserId user = UserId.of(Unique.id("alice"));
    Principal inAcme = new Principal(user, OrganizationId.of(Unique.id("acme")), Role.ADMIN);
    Principal inGlobex = new Principal(user, OrganizationId.of(Unique.id("globex")), Role.GUEST);

    AuthenticationResult acme = authenticator.authenticate(validCredential(inAcme));
    AuthenticationResult globex = authenticator.authenticate(validCredential(inGlobex));

    assertThat(acme).isEqualTo(new Authenticated(inAcme));
    assertThat(globex).isEqualTo(new Authenticated(inGlobex));
  }

  @Test
  void authenticate_emptyCredential_isRefused() {
    AuthenticationResult result = authenticator.authenticate(Credential.bearer(""));

    assertThat(result).isInstanceOf(Refused.class);
    assertThat(((Refused) result).reason()).isNotBlank();
  }

  @Test
  void authenticate_malformedCredential_isRefusedWithoutEchoingIt() {
    String garbage = "not-a-token-" + Unique.id("x");

    AuthenticationResult result = authenticator.authenticate(Credential.bearer(garbage));

    assertThat(result).isInstanceOf(Refused.class);
    assertThat(((Refused) result).reason()).isNotBlank().doesNotContain(garbage);
  }

  @Test
  void authenticate_invalidCredentials_areRefusedWithoutEchoingThem() {
    Principal alice = principal(Role.ADMIN);

    for (Credential credential : invalidCredentials(alice)) {
      AuthenticationResult result = authenticator.authenticate(credential);

      assertThat(result).as(credential.toString()).isInstanceOf(Refused.class);
      assertThat(((Refused) result).reason()).isNotBlank().doesNotContain(credential.reveal());
    }
  }

  private static Principal principal(Role role) {
    return new Principal(UserId.of(Unique.id("alice")), OrganizationId.of(Unique.id("acme")), role);
  }
}
