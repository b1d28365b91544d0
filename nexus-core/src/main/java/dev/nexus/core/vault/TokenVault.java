package dev.nexus.core.vault;

import dev.nexus.core.error.ReconnectRequiredException;
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

  /**
   * A new access token after the provider rejected {@code rejected} (HTTP 401) before its expiry.
   * The grant is refreshed once, unless another caller already replaced the rejected token, in
   * which case that newer token is returned. Callers retry their request once with the result and
   * report "reconnect needed" if it is rejected again.
   *
   * <p>The default cannot refresh safely and treats a rejection as final; adapters that can lock
   * the grant override it.
   *
   * @throws dev.nexus.core.error.ReconnectRequiredException when the grant cannot be refreshed
   */
  default AccessToken refreshRejected(GrantKey key, AccessToken rejected) {
    throw new ReconnectRequiredException(
        "the " + key.provider() + " connection was rejected by the provider; connect it again");
  }
}
