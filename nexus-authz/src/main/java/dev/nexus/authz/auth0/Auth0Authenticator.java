package dev.nexus.authz.auth0;

import com.auth0.jwk.InvalidPublicKeyException;
import com.auth0.jwk.Jwk;
import com.auth0.jwk.JwkException;
import com.auth0.jwk.JwkProvider;
import com.auth0.jwk.NetworkException;
import com.auth0.jwk.RateLimitReachedException;
import com.auth0.jwk.SigningKeyNotFoundException;
import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.AlgorithmMismatchException;
import com.auth0.jwt.exceptions.IncorrectClaimException;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.MissingClaimException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import dev.nexus.core.authorization.Authorizer;
import dev.nexus.core.authorization.Capability;
import dev.nexus.core.authorization.CheckRequest;
import dev.nexus.core.authorization.Decision;
import dev.nexus.core.authorization.SubjectRef;
import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.error.RetriableException;
import dev.nexus.core.identity.AuthenticationResult;
import dev.nexus.core.identity.Authenticator;
import dev.nexus.core.identity.Credential;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Principal;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies Auth0 access tokens: RS256 only, signed by a key of the tenant's key set, with the
 * configured issuer and audience, inside its validity window give or take the policy's leeway, and
 * naming a subject.
 *
 * <p>The organization is the token's {@code org_id}. The role in it is read from the authorization
 * model (the highest of admin, manager, member, guest the user holds on {@code
 * organization:<org_id>}), or from the policy's namespaced role claim when one is configured. A
 * token with an {@code org_id} whose user holds no role there is refused ("not a member of the
 * organization"): a login to an organization does not make anyone a member of it.
 *
 * <p>A token without {@code org_id} acts in the user's personal organization, created on the first
 * such login with the user as its admin (see {@link PersonalOrganizations}).
 *
 * <p>Refusals are values whose reason names what was wrong and never repeats the token or any of
 * its claims. An unreachable key set is a {@link RetriableException}.
 *
 * <p>Limitations: the key set (see {@link #keySet}) is fetched whole, at most once every {@link
 * Auth0KeySet#REFRESH_INTERVAL}. A token with a key id the set lacks is refused without a fetch
 * when the set was fetched within that interval, so a token signed by a key the tenant started
 * using since then is refused for up to that long (Auth0 publishes its next key ahead of a
 * rotation, so this needs a key both published and used within the interval). While the tenant
 * cannot be reached, keys already fetched keep verifying and a key id not among them is a {@link
 * RetriableException} with the wait before the next attempt. A withdrawn key verifies until the set
 * is fetched again, at the latest {@link Auth0KeySet#MAX_AGE} after the last fetch.
 */
public final class Auth0Authenticator implements Authenticator {

  /** The claim Auth0 puts the organization id in for organization logins. */
  public static final String ORGANIZATION_CLAIM = "org_id";

  /**
   * The organization roles, lowest first. Checked in this order, a role granted while the checks
   * run can only turn later (higher) answers true, so the highest allowed answer is never a stale
   * lower role.
   */
  private static final List<Role> ROLES_LOWEST_FIRST =
      List.of(Role.GUEST, Role.MEMBER, Role.MANAGER, Role.ADMIN);

  private final Auth0TokenPolicy policy;
  private final JwkProvider keys;
  private final Authorizer authorizer;
  private final PersonalOrganizations personalOrganizations;
  private final Clock clock;
  private final Map<String, KeyVerifier> verifiers = new ConcurrentHashMap<>();

  /** A published key and the verifier built from it. */
  private record KeyVerifier(Jwk jwk, JWTVerifier verifier) {}

  /**
   * An authenticator reading the tenant's keys through {@code keys}.
   *
   * @param keys the tenant's key set, see {@link #keySet(Auth0TokenPolicy)}
   * @param authorizer answers which role a user holds in an organization
   * @param personalOrganizations creates a user's personal organization on first login
   * @param clock the time tokens are checked against
   */
  public Auth0Authenticator(
      Auth0TokenPolicy policy,
      JwkProvider keys,
      Authorizer authorizer,
      PersonalOrganizations personalOrganizations,
      Clock clock) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
    this.personalOrganizations =
        Objects.requireNonNull(personalOrganizations, "personalOrganizations");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The tenant's key set as published at the policy's JWKS URI, timed by the system clock: an
   * {@link Auth0KeySet}, fetched whole at most once every 30 seconds so unknown key ids cannot
   * hammer the tenant, with 5-second network timeouts.
   */
  public static JwkProvider keySet(Auth0TokenPolicy policy) {
    return Auth0KeySet.of(policy, Clock.systemUTC());
  }

  @Override
  public AuthenticationResult authenticate(Credential credential) {
    Objects.requireNonNull(credential, "credential");
    String token = credential.reveal();
    if (token.isBlank()) {
      return refused("the bearer token is empty");
    }
    if (token.length() > policy.maxTokenLength()) {
      return refused("the bearer token is longer than " + policy.maxTokenLength() + " characters");
    }

    DecodedJWT unverified;
    try {
      unverified = JWT.decode(token);
    } catch (JWTDecodeException e) {
      return refused("the bearer token is not a well-formed JWT");
    }
    String algorithm = unverified.getAlgorithm();
    if (algorithm == null || "none".equalsIgnoreCase(algorithm)) {
      return refused("unsigned tokens are not accepted");
    }
    if (!"RS256".equals(algorithm)) {
      return refused("the token must be signed with RS256");
    }
    if (unverified.getKeyId() == null || unverified.getKeyId().isBlank()) {
      return refused("the token names no signing key");
    }

    Optional<JWTVerifier> verifier = verifierFor(unverified.getKeyId());
    if (verifier.isEmpty()) {
      return refused("the token is signed by a key the tenant does not publish");
    }
    DecodedJWT verified;
    try {
      verified = verifier.get().verify(unverified);
    } catch (JWTVerificationException e) {
      return refused(reasonFor(e));
    }

    String subject = verified.getSubject();
    if (subject == null || subject.isBlank()) {
      return refused("the token names no subject");
    }
    UserId user;
    try {
      user = UserId.of(subject);
    } catch (InvalidInputException e) {
      return refused("the token subject is not a valid user id");
    }
    Claim organizationClaim = verified.getClaim(ORGANIZATION_CLAIM);
    if (organizationClaim.isMissing() || organizationClaim.isNull()) {
      return new AuthenticationResult.Authenticated(personalOrganizations.ensure(user));
    }
    return organizationLogin(verified, user, organizationClaim.asString());
  }

  private AuthenticationResult organizationLogin(DecodedJWT token, UserId user, String orgId) {
    OrganizationId organization;
    try {
      organization = OrganizationId.of(orgId);
    } catch (InvalidInputException e) {
      return refused("the token's org_id is not a valid organization id");
    }
    Optional<Role> role;
    if (policy.roleClaimName().isPresent()) {
      role = roleFromClaim(token.getClaim(policy.roleClaimName().get()));
    } else {
      role = roleFromModel(authorizer, user, organization);
    }
    if (role.isEmpty()) {
      return refused("the user is not a member of the organization");
    }
    return new AuthenticationResult.Authenticated(new Principal(user, organization, role.get()));
  }

  /**
   * The highest role the user holds on {@code organization:<id>} in the authorization model, or
   * empty when they hold none.
   */
  static Optional<Role> roleFromModel(
      Authorizer authorizer, UserId user, OrganizationId organization) {
    List<CheckRequest> checks = new ArrayList<>();
    for (Role role : ROLES_LOWEST_FIRST) {
      checks.add(
          CheckRequest.of(
              SubjectRef.user(user), role.wireName(), Capability.organizationObject(organization)));
    }
    List<Decision> decisions = authorizer.batchCheck(checks);
    for (int i = ROLES_LOWEST_FIRST.size() - 1; i >= 0; i--) {
      if (decisions.get(i).allowed()) {
        return Optional.of(ROLES_LOWEST_FIRST.get(i));
      }
    }
    return Optional.empty();
  }

  /** A role claim may be one role name or a list of them; the highest known one counts. */
  private static Optional<Role> roleFromClaim(Claim claim) {
    if (claim.isMissing() || claim.isNull()) {
      return Optional.empty();
    }
    List<String> names = new ArrayList<>();
    String single = claim.asString();
    if (single != null) {
      names.add(single);
    } else {
      try {
        List<String> list = claim.asList(String.class);
        if (list != null) {
          names.addAll(list);
        }
      } catch (JWTDecodeException e) {
        return Optional.empty();
      }
    }
    Role best = null;
    for (String name : names) {
      try {
        Role role = Role.parse(name);
        if (best == null || role.includes(best)) {
          best = role;
        }
      } catch (InvalidInputException e) {
        // Auth0 roles that are not Nexus roles are ignored.
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * The verifier for tokens signed by the tenant's key {@code keyId}. Building one parses the key,
   * so verifiers are kept per published key and rebuilt when the key set hands out a different key
   * object (after it fetched the set again); ids the tenant does not publish are never kept. An id
   * the key set lacks is empty, without a fetch when the set was fetched lately.
   */
  private Optional<JWTVerifier> verifierFor(String keyId) {
    try {
      Jwk jwk = keys.get(keyId);
      KeyVerifier known = verifiers.get(keyId);
      if (known != null && known.jwk() == jwk) {
        return Optional.of(known.verifier());
      }
      if (!(jwk.getPublicKey() instanceof RSAPublicKey rsa)) {
        return Optional.empty();
      }
      JWTVerifier verifier = verifier(rsa);
      verifiers.put(keyId, new KeyVerifier(jwk, verifier));
      return Optional.of(verifier);
    } catch (Auth0KeySet.KeySetUnavailableException e) {
      throw new RetriableException(
          "the identity provider's signing keys cannot be fetched", e.retryAfter(), e);
    } catch (NetworkException e) {
      throw new RetriableException(
          "the identity provider's signing keys cannot be fetched", null, e);
    } catch (RateLimitReachedException e) {
      throw new RetriableException(
          "the identity provider's signing keys were fetched too often; try again shortly",
          Duration.ofMillis(Math.max(1, e.getAvailableIn())),
          e);
    } catch (SigningKeyNotFoundException | InvalidPublicKeyException e) {
      return Optional.empty();
    } catch (JwkException e) {
      throw new RetriableException("the identity provider's signing keys cannot be read", null, e);
    }
  }

  private JWTVerifier verifier(RSAPublicKey key) {
    long leeway = policy.leeway().toSeconds();
    JWTVerifier.BaseVerification verification =
        (JWTVerifier.BaseVerification)
            JWT.require(Algorithm.RSA256(key, null))
                .withIssuer(policy.issuer())
                .withAnyOfAudience(policy.audience())
                .withClaimPresence("exp")
                .acceptLeeway(leeway);
    return verification.build(clock);
  }

  private static String reasonFor(JWTVerificationException e) {
    if (e instanceof SignatureVerificationException) {
      return "the token signature is not valid";
    }
    if (e instanceof AlgorithmMismatchException) {
      return "the token must be signed with RS256";
    }
    if (e instanceof TokenExpiredException) {
      return "the token has expired";
    }
    if (e instanceof MissingClaimException missing) {
      return "the token has no " + claimLabel(missing.getClaimName()) + " claim";
    }
    if (e instanceof IncorrectClaimException incorrect) {
      return switch (incorrect.getClaimName()) {
        case "iss" -> "the token was issued by another tenant";
        case "aud" -> "the token is meant for another audience";
        case "nbf" -> "the token is not valid yet";
        case "iat" -> "the token was issued in the future";
        case "exp" -> "the token has expired";
        default -> "the token has an unexpected claim value";
      };
    }
    if (e instanceof JWTDecodeException) {
      return "the bearer token is not a well-formed JWT";
    }
    return "the token could not be verified";
  }

  private static String claimLabel(String claimName) {
    return switch (claimName) {
      case "iss" -> "issuer";
      case "aud" -> "audience";
      case "exp" -> "expiry";
      default -> "required";
    };
  }

  private static AuthenticationResult refused(String reason) {
    return new AuthenticationResult.Refused(reason);
  }
}
