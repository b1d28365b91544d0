package dev.nexus.connectors.gmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.tool.ToolResult;
import dev.nexus.core.vault.AuthorizationRequest;
import dev.nexus.core.vault.GrantKey;
import dev.nexus.core.vault.InvalidGrantException;
import dev.nexus.core.vault.IssuedTokens;
import dev.nexus.core.vault.OAuthGrant;
import dev.nexus.core.vault.Pkce;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.core.vault.Secret;
import dev.nexus.testkit.gmail.FakeGmailServer;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GoogleOAuthProviderTest {

  private static final URI CALLBACK = URI.create("https://nexus.test/oauth/callback/gmail");

  private final GmailTestbed bed = new GmailTestbed();
  private final GoogleOAuthProvider google = bed.toolkit.googleOAuth();
  private final HttpClient browser = HttpClient.newHttpClient();

  @AfterEach
  void close() {
    bed.close();
  }

  @Test
  void authorizationUrl_asksForTheToolScopesWithPkceAndOfflineAccess() {
    String verifier = Pkce.newVerifier();

    URI url =
        google.authorizationUrl(
            new AuthorizationRequest(
                "state-123", Pkce.challenge(verifier), CALLBACK, google.scopes()));

    assertThat(url.getPath()).isEqualTo("/o/oauth2/v2/auth");
    Map<String, String> query = query(url.getRawQuery());
    assertThat(query)
        .containsEntry("response_type", "code")
        .containsEntry("client_id", FakeGmailServer.DEFAULT_CLIENT_ID)
        .containsEntry("redirect_uri", CALLBACK.toString())
        .containsEntry("state", "state-123")
        .containsEntry("code_challenge", Pkce.challenge(verifier))
        .containsEntry("code_challenge_method", "S256")
        .containsEntry("access_type", "offline")
        .containsEntry("prompt", "consent");
    assertThat(Set.of(query.get("scope").split(" ")))
        .containsExactlyInAnyOrderElementsOf(FakeGmailServer.TOOL_SCOPES);
    assertThat(google.scopes()).isEqualTo(FakeGmailServer.TOOL_SCOPES);
  }

  @Test
  void roundTrip_authorizeExchangeUseRefreshRevoke() throws Exception {
    // given a person who consents on the fake's page as bob
    bed.fake.consentAs("bob@gmail.test");
    bed.fake.account("bob@gmail.test").seed();
    String verifier = Pkce.newVerifier();
    URI url =
        google.authorizationUrl(
            new AuthorizationRequest("st-9", Pkce.challenge(verifier), CALLBACK, Set.of()));

    // when the browser follows the consent page, the callback gets a code and the state
    HttpResponse<String> consent =
        browser.send(
            HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.ofString());
    URI redirect = URI.create(consent.headers().firstValue("Location").orElseThrow());
    Map<String, String> callback = query(redirect.getRawQuery());

    // then
    assertThat(consent.statusCode()).isEqualTo(302);
    assertThat(redirect.toString()).startsWith(CALLBACK + "?");
    assertThat(callback).containsEntry("state", "st-9").containsKey("code");

    // when the code is exchanged with the verifier
    IssuedTokens tokens = google.exchange(callback.get("code"), verifier, CALLBACK);

    // then the tokens open bob's mailbox through the tools
    assertThat(tokens.refreshToken()).isNotNull();
    assertThat(tokens.accountLabel()).isEqualTo("bob@gmail.test");
    assertThat(tokens.scopes()).isEqualTo(FakeGmailServer.TOOL_SCOPES);
    assertThat(tokens.expiresAt())
        .isEqualTo(bed.clock.instant().plus(FakeGmailServer.ACCESS_TOKEN_LIFETIME));
    GrantKey key = GrantKey.of(bed.alice, ProviderId.GMAIL);
    bed.vault.store(OAuthGrant.issued(key, tokens, bed.clock.instant()));
    ToolResult latest = bed.call("gmail_read_latest", Map.of("count", 1));
    assertThat(latest.content()).contains("subject: Meeting notes (very long)");
    assertThat(bed.fake.mailbox(tokens.accessToken().reveal()).email()).isEqualTo("bob@gmail.test");

    // when refreshed
    IssuedTokens refreshed = google.refresh(tokens.refreshToken());

    // then a new access token, the refresh token kept by the caller
    assertThat(refreshed.accessToken()).isNotEqualTo(tokens.accessToken());
    assertThat(refreshed.refreshToken()).isNull();
    assertThat(bed.fake.isAccessTokenValid(refreshed.accessToken().reveal())).isTrue();

    // when revoked
    google.revoke(tokens.refreshToken());

    // then the grant is gone at Google, with the access tokens issued from it
    assertThat(bed.fake.isRefreshTokenValid(tokens.refreshToken().reveal())).isFalse();
    assertThat(bed.fake.isAccessTokenValid(refreshed.accessToken().reveal())).isFalse();
    assertThatThrownBy(() -> google.refresh(tokens.refreshToken()))
        .isInstanceOf(InvalidGrantException.class)
        .hasMessage("Google revoked the Gmail grant; connect Gmail again.");
  }

  @Test
  void exchange_withTheWrongVerifier_isInvalidGrant() throws Exception {
    String code = consent(Pkce.challenge(Pkce.newVerifier()));

    assertThatThrownBy(() -> google.exchange(code, Pkce.newVerifier(), CALLBACK))
        .isInstanceOf(InvalidGrantException.class)
        .hasMessage("Google refused the authorization code; connect Gmail again.");
  }

  @Test
  void exchange_ofAUsedCode_isInvalidGrant() throws Exception {
    String verifier = Pkce.newVerifier();
    String code = consent(Pkce.challenge(verifier));
    google.exchange(code, verifier, CALLBACK);

    assertThatThrownBy(() -> google.exchange(code, verifier, CALLBACK))
        .isInstanceOf(InvalidGrantException.class);
  }

  @Test
  void exchange_withAWrongClientSecret_isAConfigurationError() throws Exception {
    String verifier = Pkce.newVerifier();
    String code = consent(Pkce.challenge(verifier));
    GmailSettings wrong = bed.settings.withApiRoot(bed.fake.baseUri());
    GoogleOAuthSettings badSecret =
        new GoogleOAuthSettings(
            wrong.oauth().clientId(),
            Secret.of("not-the-secret"),
            wrong.oauth().authorizationEndpoint(),
            wrong.oauth().tokenEndpoint(),
            wrong.oauth().revocationEndpoint(),
            wrong.oauth().timeout());
    try (GmailToolkit toolkit =
        new GmailToolkit(
            new GmailSettings(
                wrong.apiRoot(),
                badSecret,
                wrong.maxBodyChars(),
                wrong.maxRetries(),
                wrong.initialBackoff(),
                wrong.maxRetryWait(),
                wrong.connectTimeout(),
                wrong.readTimeout()),
            bed.clock)) {

      assertThatThrownBy(() -> toolkit.googleOAuth().exchange(code, verifier, CALLBACK))
          .isInstanceOf(ConfigurationException.class)
          .hasMessage("Google refused the OAuth client; check the Gmail client id and secret.");
    }
  }

  @Test
  void consentWithFewerScopes_leadsToAReconnectErrorForTheMissingOnes() throws Exception {
    bed.fake.grantOnly(Set.of(FakeGmailServer.SCOPE_READONLY));
    String verifier = Pkce.newVerifier();
    IssuedTokens tokens = google.exchange(consent(Pkce.challenge(verifier)), verifier, CALLBACK);
    bed.vault.store(
        OAuthGrant.issued(GrantKey.of(bed.alice, ProviderId.GMAIL), tokens, bed.clock.instant()));

    ToolResult send =
        bed.call("gmail_send", Map.of("to", List.of("anna@example.com"), "body", "Hi"));

    assertThat(tokens.scopes()).containsExactly(FakeGmailServer.SCOPE_READONLY);
    assertThat(tokens.accountLabel()).isEqualTo(FakeGmailServer.DEFAULT_ACCOUNT);
    assertThat(send.content()).contains("connect Gmail again and allow Nexus to send mail");
  }

  @Test
  void exchange_withOnlySendGranted_leavesTheAccountUnlabelled() throws Exception {
    bed.fake.grantOnly(Set.of(FakeGmailServer.SCOPE_SEND));
    String verifier = Pkce.newVerifier();

    IssuedTokens tokens = google.exchange(consent(Pkce.challenge(verifier)), verifier, CALLBACK);

    assertThat(tokens.accountLabel()).isNull();
    assertThat(tokens.scopes()).containsExactly(FakeGmailServer.SCOPE_SEND);
  }

  @Test
  void revoke_ofAnUnknownToken_isNotAnError() {
    google.revoke(Secret.of("never-issued"));

    assertThat(bed.fake.requestCount("oauth.revoke")).isEqualTo(1);
  }

  @Test
  void issuedTokens_printWithoutTheirSecrets() throws Exception {
    String verifier = Pkce.newVerifier();
    IssuedTokens tokens = google.exchange(consent(Pkce.challenge(verifier)), verifier, CALLBACK);

    assertThat(tokens.toString())
        .doesNotContain(tokens.accessToken().reveal())
        .doesNotContain(tokens.refreshToken().reveal());
    assertThat(bed.settings.toString()).doesNotContain(FakeGmailServer.DEFAULT_CLIENT_SECRET);
  }

  private String consent(String challenge) throws Exception {
    URI url = google.authorizationUrl(new AuthorizationRequest("s", challenge, CALLBACK, Set.of()));
    HttpResponse<Void> response =
        browser.send(
            HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.discarding());
    URI redirect = URI.create(response.headers().firstValue("Location").orElseThrow());
    return query(redirect.getRawQuery()).get("code");
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> values = new LinkedHashMap<>();
    Arrays.stream(raw.split("&"))
        .map(pair -> pair.split("=", 2))
        .forEach(
            pair ->
                values.put(
                    URLDecoder.decode(pair[0], StandardCharsets.UTF_8),
                    pair.length < 2 ? "" : URLDecoder.decode(pair[1], StandardCharsets.UTF_8)));
    return values;
  }
}
