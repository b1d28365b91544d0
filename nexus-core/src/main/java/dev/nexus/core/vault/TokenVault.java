package dev.nexus.core.vault;

import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import java.util.List;
import java.util.Optional;

/**
 * Keeps each user's OAuth grants, keyed by organization, user and provider, and hands out valid
 * access tokens. Adapters store tokens encrypted and never share a grant across keys.
 */
public interface TokenVault {

  /** Stores a grant, replacing any grant with the same key. */
  void store(OAuthGrant grant);

  /** The grant with this key, or empty. */
  Optional<OAuthGrant> find(GrantKey key);

  /** Every grant of one user in one organization, ordered by provider. */
  List<OAuthGrant> list(OrganizationId organization, UserId user);

  /** Forgets a grant; returns whether there was one. */
  boolean delete(GrantKey key);

  /**
   * A valid access token for the grant. When the token expires within the vault's skew it is
   * refreshed first through the provider's {@link TokenRefresher}; concurrent callers for the same
   * grant cause a single refresh, and a rotated refresh token is stored with the new access token.
   *
   * @throws dev.nexus.core.error.ReconnectRequiredException when there is no grant, it needs
   *     reconnection, or the provider refused the refresh ({@link InvalidGrantException})
   * @throws dev.nexus.core.error.RetriableException when the refresh could not be done now
   */
  AccessToken accessToken(GrantKey key);
}
