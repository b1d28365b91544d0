package dev.nexus.core.vault;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What an OAuth consent redirect needs: the opaque {@code state}, the PKCE S256 {@code
 * codeChallenge}, the callback {@code redirectUri}, the scopes to ask for, and optionally the
 * account the person is expected to sign in with ({@code loginHint}, null when unknown).
 */
public record AuthorizationRequest(
    String state, String codeChallenge, URI redirectUri, Set<String> scopes, String loginHint) {

  public AuthorizationRequest {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(codeChallenge, "codeChallenge");
    Objects.requireNonNull(redirectUri, "redirectUri");
    scopes = Set.copyOf(scopes);
  }

  /** A request without a login hint. */
  public AuthorizationRequest(
      String state, String codeChallenge, URI redirectUri, Set<String> scopes) {
    this(state, codeChallenge, redirectUri, scopes, null);
  }

  public Optional<String> optionalLoginHint() {
    return Optional.ofNullable(loginHint);
  }
}
