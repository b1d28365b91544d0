package dev.nexus.testkit.auth0;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.authz.auth0.Auth0Authenticator;
import dev.nexus.authz.auth0.Auth0TokenPolicy;
import dev.nexus.authz.auth0.PersonalOrganizations;
import dev.nexus.core.audit.AuditAction;
import dev.nexus.core.audit.AuditQuery;
import dev.nexus.core.authorization.Capability;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.core.authorization.SubjectRef;
import dev.nexus.core.error.RetriableException;
import dev.nexus.core.identity.AuthenticationResult;
import dev.nexus.core.identity.Credential;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Principal;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import dev.nexus.testkit.MutableClock;
import dev.nexus.testkit.contract.Concurrently;
import dev.nexus.testkit.memory.InMemoryAuditLog;
import dev.nexus.testkit.memory.InMemoryAuthorizer;
import dev.nexus.testkit.memory.InMemoryOrganizationDirectory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class Auth0AuthenticatorTest {

  private static final String ALICE = "auth0|alice";
  private static final String ACME = "org_acme123";

  private final MutableClock clock = new MutableClock();
  private FakeAuth0Server auth0;
  private InMemoryAuthorizer model;
  private InMemoryOrganizationDirectory directory;
  private InMemoryAuditLog audit;
  private Auth0TokenPolicy policy;
  private Auth0Authenticator authenticator;

  @BeforeEach
  void startTenant() {
    auth0 = FakeAuth0Server.start(clock);
    model = new InMemoryAuthorizer();
    directory = new InMemoryOrganizationDirectory();
    audit = new InMemoryAuditLog();
    policy = Auth0TokenPolicy.forTenant(auth0.baseUrl(), FakeAuth0Server.DEFAULT_AUDIENCE);
    authenticator = authenticator(policy);
  }

  @AfterEach
  void stopTenant() {
    auth0.close();
  }

  private Auth0Authenticator authenticator(Auth0TokenPolicy policy) {
    return new Auth0Authenticator(
        policy,
        Auth0Authenticator.keySet(policy),
        model,
        new PersonalOrganizations(model, model, directory, audit, clock),
        clock);
  }

  private void grant(String user, Role role, String organization) {
    model.write(
        List.of(
            new RelationshipTuple(
                SubjectRef.user(UserId.of(user)),
                role.wireName(),
                Capability.organizationObject(OrganizationId.of(organization)))),
        List.of());
  }

  private AuthenticationResult authenticate(String token) {
    return authenticator.authenticate(Credential.bearer(token));
  }

  private String refusal(String token) {
    AuthenticationResult result = authenticate(token);
    assertThat(result).isInstanceOf(AuthenticationResult.Refused.class);
    String reason = ((AuthenticationResult.Refused) result).reason();
    assertThat(reason).doesNotContain(token).doesNotContain(ALICE).doesNotContain(ACME);
    return reason;
  }

  private FakeAuth0Server.TokenBuilder alice() {
    return auth0.token().subject(ALICE).organization(ACME);
  }

  @Test
  void authenticate_validTokenOfAManager_givesTheManagerPrincipal() {
    grant(ALICE, Role.MANAGER, ACME);

    AuthenticationResult result = authenticate(alice().sign());

    assertThat(result)
        .isEqualTo(
            new AuthenticationResult.Authenticated(
                new Principal(UserId.of(ALICE), OrganizationId.of(ACME), Role.MANAGER)));
  }

  @Test
  void authenticate_userWithSeveralRoles_getsTheHighest() {
    grant(ALICE, Role.GUEST, ACME);
    grant(ALICE, Role.ADMIN, ACME);

    AuthenticationResult result = authenticate(alice().sign());

    assertThat(((AuthenticationResult.Authenticated) result).principal().role())
        .isEqualTo(Role.ADMIN);
  }

  @Test
  void authenticate_audienceArrayContainingOurs_isAccepted() {
    grant(ALICE, Role.MEMBER, ACME);
    String token = alice().audience("https://other.api/", FakeAuth0Server.DEFAULT_AUDIENCE).sign();

    AuthenticationResult result = authenticate(token);

    assertThat(result).isInstanceOf(AuthenticationResult.Authenticated.class);
  }

  @Test
  void authenticate_orgLoginOfANonMember_isRefused() {
    grant(ALICE, Role.ADMIN, "org_other");

    assertThat(refusal(alice().sign())).isEqualTo("the user is not a member of the organization");
  }

  @Test
  void authenticate_algNone_isRefused() {
    grant(ALICE, Role.ADMIN, ACME);

    assertThat(refusal(auth0.unsignedToken(alice().claims())))
        .isEqualTo("unsigned tokens are not accepted");
  }

  @Test
  void authenticate_hs256SignedWithThePublicKey_isRefused() {
    grant(ALICE, Role.ADMIN, ACME);

    assertThat(refusal(auth0.signedWithPublicKeyAsHmacSecret(alice().claims())))
        .isEqualTo("the token must be signed with RS256");
  }

  @Test
  void authenticate_unknownKeyId_isRefused() {
    grant(ALICE, Role.ADMIN, ACME);

    assertThat(refusal(auth0.signedWithUnknownKey(alice().claims())))
        .isEqualTo("the token is signed by a key the tenant does not publish");
  }

  @Test
  void authenticate_badSignatureUnderAKnownKeyId_isRefused() {
    grant(ALICE, Role.ADMIN, ACME);

    assertThat(refusal(auth0.signedWithWrongKey(alice().claims())))
        .isEqualTo("the token signature is not valid");
  }

  @Test
  void authenticate_tamperedPayload_isRefusedForItsSignature() {
    grant(ALICE, Role.ADMIN, ACME);
    grant("auth0|mallory", Role.ADMIN, ACME);
    String[] genuine = alice().sign().split("\\.");
    String[] forged = auth0.token().subject("auth0|mallory").organization(ACME).sign().split("\\.");

    assertThat(refusal(genuine[0] + "." + forged[1] + "." + genuine[2]))
        .isEqualTo("the token signature is not valid");
  }

  @Test
  void authenticate_expiredToken_isRefused() {
    grant(ALICE, Role.ADMIN, ACME);
    String token = alice().expiresAt(clock.instant().plusSeconds(60)).sign();
    clock.advance(Duration.ofMinutes(2));

    assertThat(refusal(token)).isEqualTo("the token has expired");
  }

  @Test
  void authenticate_expiredWithinTheLeeway_isAccepted() {
    grant(ALICE, Role.ADMIN, ACME);
    String token = alice().expiresAt(clock.instant().plusSeconds(60)).sign();
    clock.advance(Duration.ofSeconds(75));

    assertThat(authenticate(token)).isInstanceOf(AuthenticationResult.Authenticated.class);
  }

  @Test
  void authenticate_tokenWithoutExpiry_isRefused() {
    grant(ALICE, Role.ADMIN, ACME);

    assertThat(refusal(alice().without("exp").sign())).isEqualTo("the token has no expiry claim");
  }

  @Test
  void authenticate_notYetValid_isRefused() {
    grant(ALICE, Role.ADMIN, ACME);

    assertThat(refusal(alice().notBefore(clock.instant().plusSeconds(600)).sign()))
        .isEqualTo("the token is not valid yet");
  }

  @Test
  void authenticate_issuedInTheFuture_isRefused() {
    grant(ALICE, Role.ADMIN, ACME);

    assertThat(refusal(alice().issuedAt(clock.instant().plusSeconds(600)).sign()))
        .isEqualTo("the token was issued in the future");
  }

  @Test
  void authenticate_wrongIssuer_isRefused() {
    grant(ALICE, Role.ADMIN, ACME);

    assertThat(refusal(alice().issuer("https://evil.example/").sign()))
        .isEqualTo("the token was issued by another tenant");
  }

  @Test
  void authenticate_wrongAudience_isRefused() {
    grant(ALICE, Role.ADMIN, ACME);

    assertThat(refusal(alice().audience("https://other.api/", "https://third.api/").sign()))
        .isEqualTo("the token is meant for another audience");
  }

  @Test
  void authenticate_noSubject_isRefused() {
    assertThat(refusal(alice().without("sub").sign())).isEqualTo("the token names no subject");
  }

  @Test
  void authenticate_malformedBase64_isRefused() {
    assertThat(refusal(auth0.malformedBase64Token()))
        .isEqualTo("the bearer token is not a well-formed JWT");
  }

  @Test
  void authenticate_malformedJson_isRefused() {
    assertThat(refusal(auth0.malformedJsonToken()))
        .isEqualTo("the bearer token is not a well-formed JWT");
  }

  @Test
  void authenticate_notAJwtAtAll_isRefused() {
    assertThat(refusal("hello")).isEqualTo("the bearer token is not a well-formed JWT");
  }

  @Test
  void authenticate_oversizedToken_isRefusedBeforeParsing() {
    grant(ALICE, Role.ADMIN, ACME);
    String token = alice().claim("padding", "x".repeat(9_000)).sign();

    assertThat(refusal(token)).isEqualTo("the bearer token is longer than 8192 characters");
    assertThat(auth0.jwksRequests()).isZero();
  }

  @Test
  void authenticate_roleClaimConfigured_takesTheRoleFromTheToken() {
    Auth0Authenticator byClaim = authenticator(policy.withRoleClaim("https://nexus.test/roles"));
    String token = alice().claim("https://nexus.test/roles", List.of("guest", "manager")).sign();

    AuthenticationResult result = byClaim.authenticate(Credential.bearer(token));

    assertThat(((AuthenticationResult.Authenticated) result).principal().role())
        .isEqualTo(Role.MANAGER);
  }

  @Test
  void authenticate_roleClaimConfiguredButAbsent_isRefused() {
    Auth0Authenticator byClaim = authenticator(policy.withRoleClaim("https://nexus.test/roles"));

    AuthenticationResult result = byClaim.authenticate(Credential.bearer(alice().sign()));

    assertThat(result)
        .isEqualTo(
            new AuthenticationResult.Refused("the user is not a member of the organization"));
  }

  @Test
  void authenticate_keysFetchedOnceForManyLogins() {
    grant(ALICE, Role.ADMIN, ACME);

    for (int i = 0; i < 5; i++) {
      assertThat(authenticate(alice().sign()))
          .isInstanceOf(AuthenticationResult.Authenticated.class);
    }

    assertThat(auth0.jwksRequests()).isEqualTo(1);
  }

  @Test
  void authenticate_keySetUnavailable_isRetriable() {
    auth0.failJwks(503);

    assertThatThrownBy(() -> authenticate(alice().sign()))
        .isInstanceOf(RetriableException.class)
        .hasMessage("the identity provider's signing keys cannot be fetched");
  }

  @Test
  void authenticate_firstLoginWithoutOrganization_createsAPersonalOrganizationWithUserAsAdmin() {
    String token = auth0.token().subject(ALICE).sign();

    AuthenticationResult result = authenticate(token);

    OrganizationId personal = PersonalOrganizations.idFor(UserId.of(ALICE));
    assertThat(result)
        .isEqualTo(
            new AuthenticationResult.Authenticated(
                new Principal(UserId.of(ALICE), personal, Role.ADMIN)));
    assertThat(directory.find(personal)).hasValueSatisfying(o -> assertThat(o.personal()).isTrue());
    assertThat(directory.members(personal))
        .singleElement()
        .satisfies(m -> assertThat(m.role()).isEqualTo(Role.ADMIN));
    assertThat(model.read(Capability.organizationObject(personal)))
        .containsExactly(
            new RelationshipTuple(
                SubjectRef.user(UserId.of(ALICE)),
                "admin",
                Capability.organizationObject(personal)));
  }

  @Test
  void authenticate_secondLoginWithoutOrganization_reusesThePersonalOrganization() {
    Principal first =
        ((AuthenticationResult.Authenticated) authenticate(auth0.token().subject(ALICE).sign()))
            .principal();

    Principal second =
        ((AuthenticationResult.Authenticated) authenticate(auth0.token().subject(ALICE).sign()))
            .principal();

    assertThat(second).isEqualTo(first);
    assertThat(organizationCreatedEvents(first.organization())).isEqualTo(1);
  }

  @Test
  void authenticate_personalOrganizationsOfTwoUsers_differ() {
    OrganizationId alice = PersonalOrganizations.idFor(UserId.of(ALICE));
    OrganizationId bob = PersonalOrganizations.idFor(UserId.of("auth0|bob"));

    assertThat(alice).isNotEqualTo(bob);
    assertThat(alice.value()).startsWith("personal-").hasSize("personal-".length() + 32);
  }

  @Test
  void authenticate_concurrentFirstLogins_createOneOrganizationOneMembershipOneEvent() {
    String token = auth0.token().subject(ALICE).sign();

    List<AuthenticationResult> results =
        Concurrently.run(32, i -> authenticator.authenticate(Credential.bearer(token)));

    OrganizationId personal = PersonalOrganizations.idFor(UserId.of(ALICE));
    assertThat(results)
        .allSatisfy(
            r ->
                assertThat(r)
                    .isEqualTo(
                        new AuthenticationResult.Authenticated(
                            new Principal(UserId.of(ALICE), personal, Role.ADMIN))));
    assertThat(directory.members(personal)).hasSize(1);
    assertThat(model.read(Capability.organizationObject(personal))).hasSize(1);
    assertThat(organizationCreatedEvents(personal)).isEqualTo(1);
  }

  private long organizationCreatedEvents(OrganizationId organization) {
    return audit.query(AuditQuery.first(organization, 100)).stream()
        .filter(r -> r.event().action() == AuditAction.ORGANIZATION_CREATED)
        .count();
  }

  @Test
  void policy_forTenant_usesTheAuth0IssuerAndKeyLocation() {
    Auth0TokenPolicy tenant = Auth0TokenPolicy.forTenant("https://acme.eu.auth0.com", "api");

    assertThat(tenant.issuer()).isEqualTo("https://acme.eu.auth0.com/");
    assertThat(tenant.jwksUri().toString())
        .isEqualTo("https://acme.eu.auth0.com/.well-known/jwks.json");
    assertThat(tenant.roleClaimName()).isEmpty();
    assertThat(Map.of("leeway", tenant.leeway())).containsEntry("leeway", Duration.ofSeconds(30));
  }

  @Test
  void authenticate_afterTheKeySetHandsOutAnotherKeyUnderTheSameId_usesTheNewKey()
      throws Exception {
    grant(ALICE, Role.MEMBER, ACME);
    java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    java.security.interfaces.RSAPublicKey replacement =
        (java.security.interfaces.RSAPublicKey) generator.generateKeyPair().getPublic();
    java.util.concurrent.atomic.AtomicReference<java.security.interfaces.RSAPublicKey> published =
        new java.util.concurrent.atomic.AtomicReference<>(auth0.publicKey());
    com.auth0.jwk.JwkProvider switching = kid -> jwk(kid, published.get());
    Auth0Authenticator rotating =
        new Auth0Authenticator(
            policy,
            switching,
            model,
            new PersonalOrganizations(model, model, directory, audit, clock),
            clock);
    String token = alice().sign();
    assertThat(rotating.authenticate(Credential.bearer(token)))
        .isInstanceOf(AuthenticationResult.Authenticated.class);

    published.set(replacement);

    assertThat(rotating.authenticate(Credential.bearer(token)))
        .isInstanceOfSatisfying(
            AuthenticationResult.Refused.class,
            refused -> assertThat(refused.reason()).contains("signature"));
  }

  /** A JWK of {@code key} under {@code kid}, as a key set would publish it. */
  private static com.auth0.jwk.Jwk jwk(String kid, java.security.interfaces.RSAPublicKey key) {
    java.util.Base64.Encoder url = java.util.Base64.getUrlEncoder().withoutPadding();
    return com.auth0.jwk.Jwk.fromValues(
        Map.of(
            "kid",
            kid,
            "kty",
            "RSA",
            "alg",
            "RS256",
            "use",
            "sig",
            "n",
            url.encodeToString(unsigned(key.getModulus())),
            "e",
            url.encodeToString(unsigned(key.getPublicExponent()))));
  }

  private static byte[] unsigned(java.math.BigInteger value) {
    byte[] bytes = value.toByteArray();
    return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
  }
}
