package dev.nexus.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.error.AuthenticationException;
import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.error.ReconnectRequiredException;
import dev.nexus.core.error.RetriableException;
import dev.nexus.core.vault.AccessToken;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.core.vault.Secret;
import dev.nexus.testkit.MutableClock;
import dev.nexus.testkit.auth0.FakeAuth0Server;
import dev.nexus.vault.Auth0TokenVaultGrantSource.SubjectTokenType;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Token Vault exchange against the testkit's fake Auth0 tenant, over real HTTP. */
class Auth0TokenVaultGrantSourceTest {

  private static final String USER = "google-oauth2|alice";

  private MutableClock clock;
  private FakeAuth0Server auth0;
  private Auth0TokenVaultGrantSource source;

  @BeforeEach
  void start() {
    clock = new MutableClock();
    auth0 = FakeAuth0Server.start(clock);
    source = sourceWith(FakeAuth0Server.DEFAULT_CLIENT_SECRET);
  }

  @AfterEach
  void stop() {
    auth0.close();
  }

  @Test
  void refreshTokenExchange_returnsTheConnectionsAccessToken() {
    // given
    auth0.registerRefreshToken("auth0-rt-alice", USER);
    auth0.registerConnectionToken(
        USER, "google-oauth2", "ya29.from-vault", Duration.ofHours(1), "gmail.readonly gmail.send");

    // when
    AccessToken token =
        source.accessToken(
            ProviderId.GMAIL, Secret.of("auth0-rt-alice"), SubjectTokenType.REFRESH_TOKEN);

    // then
    assertThat(token.reveal()).isEqualTo("ya29.from-vault");
    assertThat(token.scopes()).containsExactlyInAnyOrder("gmail.readonly", "gmail.send");
    assertThat(token.expiry()).contains(clock.instant().plus(Duration.ofHours(1)));
    assertThat(auth0.tokenExchanges()).isEqualTo(1);
  }

  @Test
  void accessTokenExchange_returnsTheConnectionsAccessToken() {
    // given
    auth0.registerConnectionToken(
        USER, "google-oauth2", "ya29.for-api", Duration.ofMinutes(30), "gmail.readonly");
    String userAccessToken = auth0.token().subject(USER).sign();

    // when
    AccessToken token =
        source.exchange(
            "google-oauth2", Secret.of(userAccessToken), SubjectTokenType.ACCESS_TOKEN, null);

    // then
    assertThat(token.reveal()).isEqualTo("ya29.for-api");
  }

  @Test
  void connectionNotLinked_requiresReconnection() {
    // given
    auth0.registerRefreshToken("auth0-rt-alice", USER);

    // when / then
    assertThatThrownBy(
            () ->
                source.accessToken(
                    ProviderId.GMAIL, Secret.of("auth0-rt-alice"), SubjectTokenType.REFRESH_TOKEN))
        .isInstanceOf(ReconnectRequiredException.class)
        .hasMessageContaining("google-oauth2");
  }

  @Test
  void unknownSubjectToken_isAnAuthenticationErrorWithoutTheToken() {
    assertThatThrownBy(
            () ->
                source.accessToken(
                    ProviderId.GMAIL, Secret.of("auth0-rt-forged"), SubjectTokenType.REFRESH_TOKEN))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageNotContaining("auth0-rt-forged");
  }

  @Test
  void wrongClientSecret_isAConfigurationError() {
    // given
    auth0.registerRefreshToken("auth0-rt-alice", USER);
    Auth0TokenVaultGrantSource misconfigured = sourceWith("not-the-secret");

    // when / then
    assertThatThrownBy(
            () ->
                misconfigured.accessToken(
                    ProviderId.GMAIL, Secret.of("auth0-rt-alice"), SubjectTokenType.REFRESH_TOKEN))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageNotContaining("not-the-secret");
  }

  @Test
  void unreachableTenant_isRetriable() {
    // given
    auth0.close();

    // when / then
    assertThatThrownBy(
            () ->
                source.accessToken(
                    ProviderId.GMAIL, Secret.of("auth0-rt-alice"), SubjectTokenType.REFRESH_TOKEN))
        .isInstanceOf(RetriableException.class);
  }

  @Test
  void unmappedProvider_isAConfigurationError() {
    assertThatThrownBy(
            () ->
                source.accessToken(
                    ProviderId.NOTION, Secret.of("auth0-rt-alice"), SubjectTokenType.REFRESH_TOKEN))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("notion");
  }

  private Auth0TokenVaultGrantSource sourceWith(String clientSecret) {
    return Auth0TokenVaultGrantSource.builder(
            URI.create(auth0.baseUrl()), FakeAuth0Server.DEFAULT_CLIENT_ID, Secret.of(clientSecret))
        .timeout(Duration.ofSeconds(5))
        .clock(clock)
        .build();
  }
}
