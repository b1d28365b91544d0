package dev.nexus.core.vault;

import java.net.URI;
import java.util.Set;

/**
 * One provider's OAuth flow for a user connecting their own account: the consent URL, the code
 * exchange, refresh and revocation.
 */
public interface OAuthProvider extends TokenRefresher {

  /** The scopes the provider's tools need, and no more. */
  Set<String> scopes();

  /** The URL to send the person to for consent. */
  URI authorizationUrl(AuthorizationRequest request);

  /**
   * Exchanges an authorization code (with its PKCE verifier) for tokens.
   *
   * @throws InvalidGrantException when the code is unknown, used or does not match the verifier
   */
  IssuedTokens exchange(String code, String codeVerifier, URI redirectUri);

  /** Revokes a token at the provider; a token it no longer knows is not an error. */
  void revoke(Secret token);
}
