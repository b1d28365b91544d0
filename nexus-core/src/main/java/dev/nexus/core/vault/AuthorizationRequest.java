package dev.nexus.core.vault;

import java.net.URI;
import java.util.Objects;
import java.util.Set;

/**
 * What an OAuth consent redirect needs: the opaque {@code state}, the PKCE S256 {@code
 * codeChallenge}, the callback {@code redirectUri}, and the scopes to ask for.
 */
public record AuthorizationRequest(
    String state, String codeChallenge, URI redirectUri, Set<String> scopes) {

  public AuthorizationRequest {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(codeChallenge, "codeChallenge");
    Objects.requireNonNull(redirectUri, "redirectUri");
    scopes = Set.copyOf(scopes);
  }
}
