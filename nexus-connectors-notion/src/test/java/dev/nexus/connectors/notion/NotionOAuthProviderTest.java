package dev.nexus.connectors.notion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.vault.AuthorizationRequest;
import dev.nexus.core.vault.InvalidGrantException;
import dev.nexus.core.vault.IssuedTokens;
import dev.nexus.core.vault.Pkce;
import dev.nexus.core.vault.Secret;
import dev.nexus.testkit.notion.FakeNotionServer;
import dev.nexus.testkit.notion.NotionWorkspace;
import java.io.IOException;
import java.net.URI;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Notion's OAuth flow through the real provider against the fake's OAuth endpoints. */
class NotionOAuthProviderTest {

  private static final URI CALLBACK = URI.create("https://nexus.test/oauth/callback/notion");

  private final FakeNotionServer server = FakeNotionServer.start();
  private final NotionSettings settings =
      NotionSettings.atBase(
          URI.create(server.baseUrl()),
          FakeNotionServer.CLIENT_ID,
          Secret.of(FakeNotionServer.CLIENT_SECRET));
  private final NotionOAuthProvider provider = new NotionOAuthProvider(settings);
  private final OkHttpClient browser = new OkHttpClient.Builder().followRedirects(false).build();

  @AfterEach
  void tearDown() {
    server.close();
  }

  @Test
  void authorizationUrl_asksForAUserOwnedInstallWithStateAndPkce() {
    AuthorizationRequest request =
        new AuthorizationRequest("state-1", Pkce.challenge("v".repeat(43)), CALLBACK, Set.of());

    HttpUrl url = HttpUrl.get(provider.authorizationUrl(request));

    assertThat(url.encodedPath()).isEqualTo("/v1/oauth/authorize");
    assertThat(url.queryParameter("client_id")).isEqualTo(FakeNotionServer.CLIENT_ID);
    assertThat(url.queryParameter("response_type")).isEqualTo("code");
    assertThat(url.queryParameter("owner")).isEqualTo("user");
    assertThat(url.queryParameter("redirect_uri")).isEqualTo(CALLBACK.toString());
    assertThat(url.queryParameter("state")).isEqualTo("state-1");
    assertThat(url.queryParameter("code_challenge")).isEqualTo(request.codeChallenge());
    assertThat(url.queryParameter("code_challenge_method")).isEqualTo("S256");
    assertThat(provider.scopes()).isEmpty();
  }

  @Test
  void roundTrip_consentExchangeRefreshAndRevoke() throws IOException {
    NotionWorkspace workspace = server.createWorkspace("Acme Research");
    server.installNextInto(workspace);
    String verifier = Pkce.newVerifier();

    HttpUrl callback = consent("s-42", verifier);
    IssuedTokens issued = provider.exchange(callback.queryParameter("code"), verifier, CALLBACK);

    assertThat(callback.queryParameter("state")).isEqualTo("s-42");
    assertThat(issued.accountLabel()).isEqualTo("Acme Research");
    assertThat(issued.expiresAt()).isNull();
    assertThat(issued.scopes()).isEmpty();
    assertThat(issued.refreshToken()).isNotNull();
    assertThat(server.workspace(issued.accessToken().reveal())).contains(workspace);

    IssuedTokens refreshed = provider.refresh(issued.refreshToken());

    assertThat(refreshed.refreshToken()).isNotNull().isNotEqualTo(issued.refreshToken());
    assertThat(refreshed.accessToken()).isNotEqualTo(issued.accessToken());
    assertThat(server.workspace(refreshed.accessToken().reveal())).contains(workspace);
    assertThatThrownBy(() -> provider.refresh(issued.refreshToken()))
        .isInstanceOf(InvalidGrantException.class);

    provider.revoke(refreshed.accessToken());

    assertThat(server.accepts(refreshed.accessToken().reveal())).isFalse();
    provider.revoke(refreshed.accessToken());
  }

  @Test
  void exchange_withTheWrongVerifier_isAnInvalidGrant() throws IOException {
    HttpUrl callback = consent("s", Pkce.newVerifier());

    assertThatThrownBy(
            () -> provider.exchange(callback.queryParameter("code"), Pkce.newVerifier(), CALLBACK))
        .isInstanceOf(InvalidGrantException.class);
  }

  @Test
  void exchange_ofACodeUsedBefore_isAnInvalidGrant() throws IOException {
    String verifier = Pkce.newVerifier();
    HttpUrl callback = consent("s", verifier);
    provider.exchange(callback.queryParameter("code"), verifier, CALLBACK);

    assertThatThrownBy(() -> provider.exchange(callback.queryParameter("code"), verifier, CALLBACK))
        .isInstanceOf(InvalidGrantException.class)
        .hasMessageNotContaining(callback.queryParameter("code"));
  }

  @Test
  void exchange_withoutPkce_worksWhenNoChallengeWasSent() throws IOException {
    NotionOAuthProvider plain = new NotionOAuthProvider(settings.withPkce(false));
    URI url =
        plain.authorizationUrl(
            new AuthorizationRequest("s", Pkce.challenge(Pkce.newVerifier()), CALLBACK, Set.of()));

    HttpUrl callback = follow(url);
    IssuedTokens issued = plain.exchange(callback.queryParameter("code"), "ignored", CALLBACK);

    assertThat(HttpUrl.get(url).queryParameter("code_challenge")).isNull();
    assertThat(server.accepts(issued.accessToken().reveal())).isTrue();
  }

  @Test
  void wrongClientSecret_isAConfigurationError() {
    NotionOAuthProvider wrong =
        new NotionOAuthProvider(
            NotionSettings.atBase(
                URI.create(server.baseUrl()), FakeNotionServer.CLIENT_ID, Secret.of("nope")));

    assertThatThrownBy(() -> wrong.refresh(Secret.of("anything")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("Notion refused the OAuth client credentials; check the client id and secret");
  }

  private HttpUrl consent(String state, String verifier) throws IOException {
    return follow(
        provider.authorizationUrl(
            new AuthorizationRequest(state, Pkce.challenge(verifier), CALLBACK, Set.of())));
  }

  private HttpUrl follow(URI authorizationUrl) throws IOException {
    try (Response response =
        browser.newCall(new Request.Builder().url(authorizationUrl.toString()).build()).execute()) {
      assertThat(response.code()).isEqualTo(302);
      return HttpUrl.get(response.header("Location"));
    }
  }
}
