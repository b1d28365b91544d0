package dev.nexus.core.vault;

/** Exchanges a refresh token for new tokens at one provider. */
public interface TokenRefresher {

  /** The provider this refresher talks to. */
  ProviderId provider();

  /**
   * Refreshes a grant. When the provider rotates refresh tokens the result carries the new one,
   * which the caller must store together with the new access token.
   *
   * @throws InvalidGrantException when the provider refuses the refresh token for good
   * @throws dev.nexus.core.error.RetriableException when the provider is unreachable or busy
   */
  IssuedTokens refresh(Secret refreshToken);
}
