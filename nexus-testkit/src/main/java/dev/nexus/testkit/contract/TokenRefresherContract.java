package dev.nexus.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.nexus.core.error.ReconnectRequiredException;
import dev.nexus.core.error.RetriableException;
import dev.nexus.core.vault.InvalidGrantException;
import dev.nexus.core.vault.IssuedTokens;
import dev.nexus.core.vault.Secret;
import dev.nexus.core.vault.TokenRefresher;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TokenRefresher} must do for the vault: a live grant's refresh token yields an
 * access token the provider accepts; the refresh token to keep afterwards (the rotated one when the
 * provider sends one, the old one otherwise) refreshes again; a grant the provider refuses for good
 * is an {@link InvalidGrantException}; an outage is a {@link RetriableException} and does not use
 * the grant up. No error names a token.
 *
 * <p>An adapter's test runs the real refresher against its provider's fake, which issues and checks
 * the tokens.
 */
public abstract class TokenRefresherContract {

  private TokenRefresher refresher;

  /** The refresher under test; called once per test. */
  protected abstract TokenRefresher createRefresher();

  /** A refresh token the provider issued and still honours. */
  protected abstract Secret liveRefreshToken();

  /** A refresh token the provider refuses for good (revoked, used up or never issued). */
  protected abstract Secret refusedRefreshToken();

  /** Whether the provider accepts {@code accessToken} for its API now. */
  protected abstract boolean providerAccepts(Secret accessToken);

  /** Makes the provider's next token request fail as an outage (a 503, a dropped connection). */
  protected abstract void failNextRequestAsAnOutage();

  /** The clock the refresher computes expiry with. */
  protected Clock clock() {
    return Clock.systemUTC();
  }

  @BeforeEach
  void setUp() {
    refresher = createRefresher();
  }

  @Test
  void provider_isNamedAndStable() {
    assertThat(refresher.provider()).isNotNull().isEqualTo(refresher.provider());
  }

  @Test
  void refresh_liveGrant_issuesAnAccessTokenTheProviderAccepts() {
    Instant before = clock().instant();

    IssuedTokens tokens = refresher.refresh(liveRefreshToken());

    assertThat(tokens.accessToken().reveal()).isNotBlank();
    assertThat(providerAccepts(tokens.accessToken())).isTrue();
    if (tokens.expiresAt() != null) {
      assertThat(tokens.expiresAt()).isAfter(before);
    }
  }

  @Test
  void refresh_withTheRefreshTokenToKeep_worksAgain_andRotationGivesANewOne() {
    Secret original = liveRefreshToken();
    IssuedTokens first = refresher.refresh(original);
    Secret kept = first.refreshToken() == null ? original : first.refreshToken();

    IssuedTokens second = refresher.refresh(kept);

    if (first.refreshToken() != null) {
      assertThat(first.refreshToken().reveal())
          .as("a rotated refresh token is a new one")
          .isNotEqualTo(original.reveal());
    }
    assertThat(second.accessToken().reveal()).isNotEqualTo(first.accessToken().reveal());
    assertThat(providerAccepts(second.accessToken())).isTrue();
  }

  @Test
  void refresh_refusedGrant_isInvalidGrant_withoutTheTokenInTheMessage() {
    Secret refused = refusedRefreshToken();

    Throwable thrown = catchThrowable(() -> refresher.refresh(refused));

    assertThat(thrown)
        .isInstanceOf(InvalidGrantException.class)
        .isInstanceOf(ReconnectRequiredException.class);
    assertThat(thrown.getClass().getName()).startsWith("dev.nexus.");
    assertThat(thrown.getMessage()).isNotBlank().doesNotContain(refused.reveal());
  }

  @Test
  void refresh_duringAnOutage_isRetriable_andLeavesTheGrantUsable() {
    Secret live = liveRefreshToken();
    failNextRequestAsAnOutage();

    Throwable thrown = catchThrowable(() -> refresher.refresh(live));
    IssuedTokens afterwards = refresher.refresh(live);

    assertThat(thrown).isInstanceOf(RetriableException.class);
    assertThat(thrown.getClass().getName()).startsWith("dev.nexus.");
    assertThat(thrown.getMessage()).doesNotContain(live.reveal());
    assertThat(providerAccepts(afterwards.accessToken())).isTrue();
  }
}
