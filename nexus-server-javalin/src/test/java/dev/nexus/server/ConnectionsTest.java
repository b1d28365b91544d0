package dev.nexus.server;

import static dev.nexus.server.TestServer.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nexus.core.vault.OAuthGrant;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.testkit.gmail.FakeGmailServer;
import dev.nexus.testkit.notion.FakeNotionServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Connecting and disconnecting a provider as a browser does it: the redirect to the consent page,
 * the callback's redirect back to the app and its refusals, and a disconnect that revokes at the
 * provider and forgets the grant.
 */
class ConnectionsTest {

  @RegisterExtension static final SandboxExtension sandbox = new SandboxExtension();
  static final HttpClient BROWSER = HttpClient.newHttpClient();

  private static Map<String, String> query(URI uri) {
    Map<String, String> parameters = new HashMap<>();
    for (String pair : uri.getRawQuery().split("&")) {
      int equals = pair.indexOf('=');
      parameters.put(
          URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
    }
    return parameters;
  }

  /** The consent page the authorize route redirects a browser to. */
  private static URI consentPage(String token, String provider) {
    TestServer.Response authorize =
        sandbox
            .nexus()
            .get("/api/connections/" + provider + "/authorize", token, "Accept", "text/html");
    assertThat(authorize.status()).as(authorize.body()).isEqualTo(302);
    return URI.create(authorize.header("Location"));
  }

  /** Consents at the fake provider; returns the callback path and query it redirects to. */
  private static String consent(URI page) throws IOException, InterruptedException {
    HttpResponse<String> redirect =
        BROWSER.send(
            HttpRequest.newBuilder(page).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(redirect.statusCode()).as(redirect.body()).isEqualTo(302);
    URI callback = URI.create(redirect.headers().firstValue("Location").orElseThrow());
    return callback.getRawPath() + "?" + callback.getRawQuery();
  }

  private static JsonNode connection(String token, String provider) {
    for (JsonNode connection :
        sandbox.nexus().get("/api/connections", token).json().get("connections")) {
      if (connection.get("provider").asText().equals(provider)) {
        return connection;
      }
    }
    throw new AssertionError("no connection entry for " + provider);
  }

  @Test
  void authorize_redirectsABrowserToGooglesConsent_withStateAndS256Challenge() {
    String token = sandbox.nexus().token("consent@example.com", null, null);

    URI page = consentPage(token, "gmail");
    URI again = consentPage(token, "gmail");

    URI fake = sandbox.fakes().gmail().baseUri();
    assertThat(page.getHost()).isEqualTo(fake.getHost());
    assertThat(page.getPort()).isEqualTo(fake.getPort());
    assertThat(page.getPath()).isEqualTo("/o/oauth2/v2/auth");
    Map<String, String> parameters = query(page);
    assertThat(parameters.get("response_type")).isEqualTo("code");
    assertThat(parameters.get("client_id")).isEqualTo(FakeGmailServer.DEFAULT_CLIENT_ID);
    assertThat(parameters.get("redirect_uri"))
        .isEqualTo(sandbox.nexus().server.publicUrl() + "/api/connections/gmail/callback");
    assertThat(parameters.get("state")).matches("[A-Za-z0-9_-]{43}\\.[A-Za-z0-9_-]{40,}");
    assertThat(parameters.get("state")).doesNotContain("consent").doesNotContain("sandbox");
    assertThat(parameters.get("code_challenge")).matches("[A-Za-z0-9_-]{43}");
    assertThat(parameters.get("code_challenge_method")).isEqualTo("S256");
    assertThat(parameters.get("login_hint")).isEqualTo("consent@example.com");
    assertThat(parameters.get("scope")).contains(FakeGmailServer.SCOPE_SEND);
    assertThat(query(again).get("state")).isNotEqualTo(parameters.get("state"));
    assertThat(query(again).get("code_challenge")).isNotEqualTo(parameters.get("code_challenge"));
  }

  @Test
  void authorize_redirectsABrowserToNotionsConsent_withStateAndS256Challenge() {
    String token = sandbox.nexus().token("pages@example.com", null, null);

    URI page = consentPage(token, "notion");

    URI fake = URI.create(sandbox.fakes().notion().baseUrl());
    assertThat(page.getHost()).isEqualTo(fake.getHost());
    assertThat(page.getPort()).isEqualTo(fake.getPort());
    assertThat(page.getPath()).isEqualTo("/v1/oauth/authorize");
    Map<String, String> parameters = query(page);
    assertThat(parameters.get("client_id")).isEqualTo(FakeNotionServer.CLIENT_ID);
    assertThat(parameters.get("owner")).isEqualTo("user");
    assertThat(parameters.get("redirect_uri"))
        .isEqualTo(sandbox.nexus().server.publicUrl() + "/api/connections/notion/callback");
    assertThat(parameters.get("state")).matches("[A-Za-z0-9_-]{43}\\.[A-Za-z0-9_-]{40,}");
    assertThat(parameters.get("code_challenge")).matches("[A-Za-z0-9_-]{43}");
    assertThat(parameters.get("code_challenge_method")).isEqualTo("S256");
  }

  @Test
  void callback_afterConsent_needsNoBearerToken_andRedirectsBackToTheApp() throws Exception {
    String token = sandbox.nexus().token("back@example.com", null, null);
    String callback = consent(consentPage(token, "gmail"));

    TestServer.Response done = sandbox.nexus().get(callback, null, "Accept", "text/html");

    assertThat(done.status()).isEqualTo(303);
    assertThat(done.header("Location")).isEqualTo("/#connections");
    JsonNode gmail = connection(token, "gmail");
    assertThat(gmail.get("status").asText()).isEqualTo("connected");
    assertThat(gmail.get("account").asText()).isEqualTo("back@example.com");
    assertProblem(sandbox.nexus().get(callback, null, "Accept", "text/html"), 422, "invalid-value");
  }

  @Test
  void callback_whenThePersonDeclinedAtTheProvider_isAProblem_andConnectsNothing() {
    String token = sandbox.nexus().token("declined@example.com", null, null);
    String state = query(consentPage(token, "gmail")).get("state");

    TestServer.Response declined =
        sandbox
            .nexus()
            .get(
                "/api/connections/gmail/callback?error=access_denied&state=" + state,
                null,
                "Accept",
                "text/html");
    TestServer.Response hostile =
        sandbox
            .nexus()
            .get(
                "/api/connections/gmail/callback?error=%3Cscript%3Ealert(1)%3C%2Fscript%3E&state="
                    + state,
                null);

    assertProblem(declined, 422, "invalid-value");
    assertProblem(hostile, 422, "invalid-value");
    assertThat(hostile.body()).doesNotContain("<").doesNotContain("script>");
    assertThat(connection(token, "gmail").get("status").asText()).isEqualTo("not_connected");
  }

  @Test
  void callback_withAMissingGarbledUnknownOrForeignState_isRefused_andConnectsNothing()
      throws Exception {
    String token = sandbox.nexus().token("forged@example.com", null, null);
    String gmailCallback = consent(consentPage(token, "gmail"));
    Map<String, String> issued = query(URI.create("http://x" + gmailCallback));
    String code = issued.get("code");
    String unknown = "A".repeat(43);

    List<String> refused =
        List.of(
            "/api/connections/gmail/callback?code=" + code,
            "/api/connections/gmail/callback?code=" + code + "&state=%25%25not-base64%21%21",
            "/api/connections/gmail/callback?code=" + code + "&state=" + "x".repeat(5000),
            "/api/connections/gmail/callback?code=" + code + "&state=" + unknown,
            "/api/connections/notion/callback?code=" + code + "&state=" + issued.get("state"));

    for (String callback : refused) {
      assertProblem(sandbox.nexus().get(callback, null), 422, "invalid-value");
    }
    assertThat(connection(token, "gmail").get("status").asText()).isEqualTo("not_connected");
    assertThat(connection(token, "notion").get("status").asText()).isEqualTo("not_connected");
    assertProblem(
        sandbox.nexus().get("/api/connections/gmail/callback?state=" + issued.get("state"), null),
        400,
        "malformed-request");
  }

  @Test
  void unknownProvider_is404_forAuthorizeCallbackAndDisconnect() {
    String token = sandbox.nexus().token("nowhere@example.com", null, null);

    assertProblem(
        sandbox.nexus().get("/api/connections/dropbox/authorize", token), 404, "not-found");
    assertProblem(
        sandbox.nexus().get("/api/connections/dropbox/callback?code=c&state=s", null),
        404,
        "not-found");
    assertProblem(
        sandbox.nexus().send("DELETE", "/api/connections/dropbox", token, null), 404, "not-found");
  }

  @Test
  void disconnectGmail_revokesAtGoogle_forgetsTheGrant_andToolsAskToConnectAgain() {
    String token = sandbox.nexus().token("leaving@example.com", null, null);
    sandbox.nexus().connect(token, "gmail");
    OAuthGrant grant = sandbox.nexus().grant(token, ProviderId.GMAIL);
    String access = grant.accessToken().reveal();
    String refresh = grant.optionalRefreshToken().orElseThrow().reveal();
    long revocations = sandbox.fakes().gmail().requestCount("oauth.revoke");

    TestServer.Response removed =
        sandbox.nexus().send("DELETE", "/api/connections/gmail", token, null);

    assertThat(removed.status()).isEqualTo(204);
    assertThat(removed.body()).isEmpty();
    assertThat(sandbox.fakes().gmail().requestCount("oauth.revoke")).isGreaterThan(revocations);
    assertThat(sandbox.fakes().gmail().isRefreshTokenValid(refresh)).isFalse();
    assertThat(sandbox.fakes().gmail().isAccessTokenValid(access)).isFalse();
    assertThat(sandbox.nexus().findGrant(token, ProviderId.GMAIL)).isEmpty();
    JsonNode gmail = connection(token, "gmail");
    assertThat(gmail.get("status").asText()).isEqualTo("not_connected");
    assertThat(gmail.get("scopes")).isEmpty();
    assertThat(sandbox.nexus().get("/api/audit", token).body()).contains("connection_removed");
    JsonNode turn =
        sandbox
            .nexus()
            .chat(token, sandbox.nexus().newConversation(token), "Read my latest 2 emails");
    JsonNode result = toolResult(turn);
    assertThat(result.get("tool").asText()).isEqualTo("gmail_read_latest");
    assertThat(result.get("status").asText()).isEqualTo("error");
    assertThat(result.get("content").asText()).containsIgnoringCase("gmail").contains("connect");
    assertProblem(
        sandbox.nexus().send("DELETE", "/api/connections/gmail", token, null), 404, "not-found");
  }

  @Test
  void disconnectNotion_revokesAtNotion_forgetsTheGrant_andToolsAskToConnectAgain() {
    String token = sandbox.nexus().token("unplug@example.com", null, null);
    sandbox.nexus().connect(token, "notion");
    OAuthGrant grant = sandbox.nexus().grant(token, ProviderId.NOTION);
    String access = grant.accessToken().reveal();
    int revocations = sandbox.fakes().notion().requestCount("POST", "/v1/oauth/revoke");

    TestServer.Response removed =
        sandbox.nexus().send("DELETE", "/api/connections/notion", token, null);

    assertThat(removed.status()).isEqualTo(204);
    assertThat(sandbox.fakes().notion().requestCount("POST", "/v1/oauth/revoke"))
        .isGreaterThan(revocations);
    assertThat(sandbox.nexus().findGrant(token, ProviderId.NOTION)).isEmpty();
    assertThat(connection(token, "notion").get("status").asText()).isEqualTo("not_connected");
    assertThat(sandbox.fakes().notion().accepts(access))
        .as("the access token Nexus held no longer reaches the workspace")
        .isFalse();
    JsonNode turn =
        sandbox
            .nexus()
            .chat(token, sandbox.nexus().newConversation(token), "Search Notion for plans");
    JsonNode result = toolResult(turn);
    assertThat(result.get("status").asText()).isEqualTo("error");
    assertThat(result.get("content").asText()).containsIgnoringCase("notion").contains("connect");
  }

  private static JsonNode toolResult(JsonNode turn) {
    for (JsonNode event : turn.get("events")) {
      if (event.get("event").asText().equals("tool_result")) {
        return event.get("data");
      }
    }
    throw new AssertionError("the turn ran no tool: " + turn);
  }
}
