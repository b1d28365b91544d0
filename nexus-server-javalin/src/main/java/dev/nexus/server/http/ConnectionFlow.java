package dev.nexus.server.http;

import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Principal;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.vault.AuthorizationRequest;
import dev.nexus.core.vault.ConnectionAttempt;
import dev.nexus.core.vault.ConnectionAttempts;
import dev.nexus.core.vault.GrantKey;
import dev.nexus.core.vault.OAuthProvider;
import dev.nexus.core.vault.Pkce;
import dev.nexus.core.vault.ProviderId;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * The OAuth connect flow. Its {@code state} names a {@link ConnectionAttempt} (organization, user,
 * provider, PKCE verifier, expiry) kept in {@link ConnectionAttempts}, which makes it; on the
 * server's PostgreSQL adapter it is 256 random bits signed with the vault keyset for the provider.
 * So the state says nothing, cannot be guessed or altered, and is accepted for ten minutes and
 * once, on whichever node the callback reaches. The provider binds its code to the verifier, and
 * codes are single use at the provider as well.
 */
final class ConnectionFlow {

  static final Duration STATE_TTL = Duration.ofMinutes(10);
  private static final int MAX_STATE_LENGTH = 512;

  private final ConnectionAttempts attempts;
  private final Clock clock;

  ConnectionFlow(ConnectionAttempts attempts, Clock clock) {
    this.attempts = Objects.requireNonNull(attempts, "attempts");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** What the callback learns from a valid state. */
  record Pending(OrganizationId organization, UserId user, ProviderId provider, String verifier) {}

  /** The provider's consent URL for {@code principal}, with a fresh state and PKCE. */
  URI authorizationUrl(
      Principal principal,
      ProviderId provider,
      OAuthProvider oauth,
      URI redirectUri,
      String loginHint) {
    String verifier = Pkce.newVerifier();
    Instant now = clock.instant();
    String state =
        attempts.begin(
            new ConnectionAttempt(GrantKey.of(principal, provider), verifier, now.plus(STATE_TTL)),
            now);
    return oauth.authorizationUrl(
        new AuthorizationRequest(
            state, Pkce.challenge(verifier), redirectUri, oauth.scopes(), loginHint));
  }

  /**
   * Takes the attempt a state returned to the callback names.
   *
   * @throws InvalidInputException when the state is malformed, unknown, for another provider, was
   *     used before or has expired
   */
  Pending open(String state, ProviderId provider) {
    if (state == null || state.isEmpty() || state.length() > MAX_STATE_LENGTH) {
      throw new InvalidInputException("the connection state is missing or malformed");
    }
    ConnectionAttempt attempt =
        attempts
            .take(state, provider)
            .orElseThrow(
                () ->
                    new InvalidInputException(
                        "the connection state is unknown, altered, for another provider or already"
                            + " used; start the connection again"));
    if (!clock.instant().isBefore(attempt.expiresAt())) {
      throw new InvalidInputException("the connection attempt expired; start it again");
    }
    return new Pending(
        attempt.key().organization(), attempt.key().user(), provider, attempt.verifier());
  }

  /** The providers a flow may name: those a toolkit offers. */
  static ProviderId provider(String name, Set<ProviderId> known) {
    ProviderId provider;
    try {
      provider = ProviderId.of(name);
    } catch (InvalidInputException e) {
      throw ApiProblem.notFound("there is no provider named " + name);
    }
    if (!known.contains(provider)) {
      throw ApiProblem.notFound("there is no provider named " + name);
    }
    return provider;
  }
}
