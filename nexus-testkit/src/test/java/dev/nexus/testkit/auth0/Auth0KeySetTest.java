package dev.nexus.testkit.auth0;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import dev.nexus.authz.auth0.Auth0Authenticator;
import dev.nexus.authz.auth0.Auth0KeySet;
import dev.nexus.authz.auth0.Auth0TokenPolicy;
import dev.nexus.authz.auth0.PersonalOrganizations;
import dev.nexus.core.authorization.Capability;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.core.authorization.SubjectRef;
import dev.nexus.core.error.RetriableException;
import dev.nexus.core.identity.AuthenticationResult;
import dev.nexus.core.identity.Credential;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import dev.nexus.testkit.MutableClock;
import dev.nexus.testkit.contract.Concurrently;
import dev.nexus.testkit.memory.InMemoryAuditLog;
import dev.nexus.testkit.memory.InMemoryAuthorizer;
import dev.nexus.testkit.memory.InMemoryOrganizationDirectory;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How {@link Auth0KeySet} fetches the fake tenant's key set through {@link Auth0Authenticator}:
 * made-up key ids, key rotation and an unreachable tenant, timed by a clock the tests move.
 */
class Auth0KeySetTest {

  private static final String ALICE = "auth0|alice";
  private static final String ACME = "org_acme123";
  private static final String NOT_PUBLISHED =
      "the token is signed by a key the tenant does not publish";
  private static final Duration INTERVAL = Auth0KeySet.REFRESH_INTERVAL;

  private final MutableClock clock = new MutableClock();
  private FakeAuth0Server auth0;
  private Auth0Authenticator authenticator;

  @BeforeEach
  void startTenant() {
    auth0 = FakeAuth0Server.start(clock);
    InMemoryAuthorizer model = new InMemoryAuthorizer();
    model.write(
        List.of(
            new RelationshipTuple(
                SubjectRef.user(UserId.of(ALICE)),
                Role.MEMBER.wireName(),
                Capability.organizationObject(OrganizationId.of(ACME)))),
        List.of());
    Auth0TokenPolicy policy =
        Auth0TokenPolicy.forTenant(auth0.baseUrl(), FakeAuth0Server.DEFAULT_AUDIENCE);
    authenticator =
        new Auth0Authenticator(
            policy,
            Auth0KeySet.of(policy, clock),
            model,
            new PersonalOrganizations(
                model, model, new InMemoryOrganizationDirectory(), new InMemoryAuditLog(), clock),
            clock);
  }

  @AfterEach
  void stopTenant() {
    auth0.close();
  }

  private AuthenticationResult authenticate(String token) {
    return authenticator.authenticate(Credential.bearer(token));
  }

  private String genuine() {
    return auth0.token().subject(ALICE).organization(ACME).sign();
  }

  private String madeUpKeyId() {
    return auth0.signedWithUnknownKey(
        "kid-" + UUID.randomUUID(), auth0.token().subject(ALICE).organization(ACME).claims());
  }

  private static AuthenticationResult refusedAs(String reason) {
    return new AuthenticationResult.Refused(reason);
  }

  @Test
  void fiftyMadeUpKeyIds_areRefusedAsUnauthenticatedAfterOneFetch() {
    List<String> tokens = Stream.generate(this::madeUpKeyId).limit(50).toList();

    List<AuthenticationResult> results = tokens.stream().map(this::authenticate).toList();

    assertThat(results).containsOnly(refusedAs(NOT_PUBLISHED)).hasSize(50);
    assertThat(auth0.jwksRequests()).isEqualTo(1);
    assertThat(authenticate(genuine())).isInstanceOf(AuthenticationResult.Authenticated.class);
    assertThat(auth0.jwksRequests()).isEqualTo(1);
  }

  @Test
  void madeUpKeyIdsForFiveMinutes_fetchTheSetAtMostOncePerInterval() {
    int refused = 0;

    for (int second = 0; second < 300; second++) {
      if (authenticate(madeUpKeyId()).equals(refusedAs(NOT_PUBLISHED))) {
        refused++;
      }
      clock.advance(Duration.ofSeconds(1));
    }

    assertThat(refused).isEqualTo(300);
    assertThat(auth0.jwksRequests()).isEqualTo(300 / INTERVAL.toSeconds());
  }

  @Test
  void concurrentMadeUpKeyIds_shareOneFetch() {
    List<String> tokens = Stream.generate(this::madeUpKeyId).limit(32).toList();

    List<AuthenticationResult> results = Concurrently.run(32, i -> authenticate(tokens.get(i)));

    assertThat(results).containsOnly(refusedAs(NOT_PUBLISHED));
    assertThat(auth0.jwksRequests()).isEqualTo(1);
  }

  @Test
  void keyRotatedInRightAfterAFetch_isAcceptedOnceTheIntervalHasPassed() {
    String before = genuine();
    assertThat(authenticate(before)).isInstanceOf(AuthenticationResult.Authenticated.class);
    auth0.rotateSigningKey();
    String after = genuine();

    AuthenticationResult tooSoon = authenticate(after);
    clock.advance(INTERVAL);
    AuthenticationResult inTime = authenticate(after);

    assertThat(tooSoon).isEqualTo(refusedAs(NOT_PUBLISHED));
    assertThat(inTime).isInstanceOf(AuthenticationResult.Authenticated.class);
    assertThat(authenticate(before)).isInstanceOf(AuthenticationResult.Authenticated.class);
    assertThat(auth0.jwksRequests()).isEqualTo(2);
  }

  @Test
  void keyRotatedInLaterThanAnInterval_isFetchedAndAcceptedAtOnce() {
    assertThat(authenticate(genuine())).isInstanceOf(AuthenticationResult.Authenticated.class);
    clock.advance(Duration.ofMinutes(5));
    String newKeyId = auth0.rotateSigningKey();

    AuthenticationResult result = authenticate(genuine());

    assertThat(JWT.decode(genuine()).getKeyId()).isEqualTo(newKeyId);
    assertThat(result).isInstanceOf(AuthenticationResult.Authenticated.class);
    assertThat(auth0.jwksRequests()).isEqualTo(2);
  }

  @Test
  void concurrentTokensOfARotatedInKey_shareOneFetch() {
    assertThat(authenticate(genuine())).isInstanceOf(AuthenticationResult.Authenticated.class);
    clock.advance(INTERVAL);
    auth0.rotateSigningKey();
    String token = genuine();

    List<AuthenticationResult> results = Concurrently.run(16, i -> authenticate(token));

    assertThat(results)
        .allSatisfy(r -> assertThat(r).isInstanceOf(AuthenticationResult.Authenticated.class));
    assertThat(auth0.jwksRequests()).isEqualTo(2);
  }

  @Test
  void tenantStopped_unknownKeyIdIsRetriableWhileAKnownKeyStillVerifies() {
    String known = genuine();
    assertThat(authenticate(known)).isInstanceOf(AuthenticationResult.Authenticated.class);
    auth0.close();
    clock.advance(INTERVAL);

    String unknown = madeUpKeyId();

    assertThatThrownBy(() -> authenticate(unknown))
        .isInstanceOfSatisfying(
            RetriableException.class,
            e -> assertThat(e.retryAfter()).hasValueSatisfying(w -> assertThat(w).isPositive()))
        .hasMessage("the identity provider's signing keys cannot be fetched");
    assertThat(authenticate(known)).isInstanceOf(AuthenticationResult.Authenticated.class);
    clock.advance(Auth0KeySet.MAX_AGE);
    assertThat(authenticate(genuine())).isInstanceOf(AuthenticationResult.Authenticated.class);
  }

  @Test
  void keySetFailing_isAskedAtMostOncePerIntervalAndRecovers() {
    assertThat(authenticate(genuine())).isInstanceOf(AuthenticationResult.Authenticated.class);
    auth0.failJwks(503);
    clock.advance(INTERVAL);
    int retriable = 0;

    for (int i = 0; i < 50; i++) {
      try {
        authenticate(madeUpKeyId());
      } catch (RetriableException e) {
        assertThat(e.retryAfter())
            .hasValueSatisfying(w -> assertThat(w).isLessThan(INTERVAL.plusSeconds(1)));
        retriable++;
      }
    }
    int fetchesWhileFailing = auth0.jwksRequests();
    auth0.failJwks(0);
    clock.advance(INTERVAL);

    assertThat(retriable).isEqualTo(50);
    assertThat(fetchesWhileFailing).isEqualTo(2);
    assertThat(authenticate(madeUpKeyId())).isEqualTo(refusedAs(NOT_PUBLISHED));
    assertThat(auth0.jwksRequests()).isEqualTo(3);
  }

  @Test
  void withdrawnKey_isRefusedOnceTheSetIsPastItsAge() {
    String old = genuine();
    String oldKeyId = auth0.keyId();
    assertThat(authenticate(old)).isInstanceOf(AuthenticationResult.Authenticated.class);
    auth0.rotateSigningKey();
    auth0.withdrawSigningKey(oldKeyId);
    AuthenticationResult stillCached = authenticate(old);

    clock.advance(Auth0KeySet.MAX_AGE);

    assertThat(stillCached).isInstanceOf(AuthenticationResult.Authenticated.class);
    assertThat(authenticate(old)).isEqualTo(refusedAs(NOT_PUBLISHED));
    assertThat(auth0.publishedKeyIds()).containsExactly(auth0.keyId());
    assertThat(auth0.jwksRequests()).isEqualTo(2);
  }
}
