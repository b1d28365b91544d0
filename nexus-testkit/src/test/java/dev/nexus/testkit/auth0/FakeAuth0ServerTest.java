package dev.nexus.testkit.auth0;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fake tenant's token endpoint, spoken to over HTTP as Nexus's own clients will. */
class FakeAuth0ServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final FakeAuth0Server auth0 = FakeAuth0Server.start();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    auth0.close();
  }

  private HttpResponse<String> postForm(Map<String, String> form)
      throws IOException, InterruptedException {
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return http.send(
        HttpRequest.newBuilder(URI.create(auth0.baseUrl() + "/oauth/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private Map<String, String> exchange(String subjectToken, String subjectType) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", FakeAuth0Server.TOKEN_EXCHANGE_GRANT);
    form.put("client_id", FakeAuth0Server.DEFAULT_CLIENT_ID);
    form.put("client_secret", FakeAuth0Server.DEFAULT_CLIENT_SECRET);
    form.put("subject_token", subjectToken);
    form.put("subject_token_type", subjectType);
    form.put("requested_token_type", FakeAuth0Server.FEDERATED_TOKEN_TYPE);
    form.put("connection", "google-oauth2");
    return form;
  }

  @Test
  void tokenExchange_withARefreshTokenOfAConnectedUser_answersTheConnectionToken()
      throws Exception {
    auth0.registerRefreshToken("rt-alice", "auth0|alice");
    auth0.registerConnectionToken(
        "auth0|alice", "google-oauth2", "ya29.fake", Duration.ofMinutes(30), "gmail.readonly");

    HttpResponse<String> response =
        postForm(exchange("rt-alice", "urn:ietf:params:oauth:token-type:refresh_token"));

    JsonNode body = JSON.readTree(response.body());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(body.path("access_token").asText()).isEqualTo("ya29.fake");
    assertThat(body.path("expires_in").asLong()).isEqualTo(1800);
    assertThat(body.path("issued_token_type").asText())
        .isEqualTo(FakeAuth0Server.FEDERATED_TOKEN_TYPE);
    assertThat(auth0.tokenExchanges()).isEqualTo(1);
  }

  @Test
  void tokenExchange_withAnAccessTokenOfTheTenant_answersTheConnectionToken() throws Exception {
    auth0.registerConnectionToken(
        "auth0|bob", "google-oauth2", "ya29.bob", Duration.ofMinutes(5), "");
    String accessToken = auth0.token().subject("auth0|bob").sign();

    HttpResponse<String> response =
        postForm(exchange(accessToken, "urn:ietf:params:oauth:token-type:access_token"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(response.body()).path("access_token").asText()).isEqualTo("ya29.bob");
  }

  @Test
  void tokenExchange_forAUserWhoNeverConnected_isRefusedAsAuth0Does() throws Exception {
    auth0.registerRefreshToken("rt-carol", "auth0|carol");

    HttpResponse<String> response =
        postForm(exchange("rt-carol", "urn:ietf:params:oauth:token-type:refresh_token"));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(response.body()).path("error").asText())
        .isEqualTo("federated_connection_refresh_token_not_found");
  }

  @Test
  void tokenExchange_afterRevocation_isRefused() throws Exception {
    auth0.registerRefreshToken("rt-dave", "auth0|dave");
    auth0.registerConnectionToken(
        "auth0|dave", "google-oauth2", "ya29.dave", Duration.ofMinutes(5), "");
    auth0.revokeConnectionToken("auth0|dave", "google-oauth2");

    HttpResponse<String> response =
        postForm(exchange("rt-dave", "urn:ietf:params:oauth:token-type:refresh_token"));

    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void tokenExchange_withAForgedAccessToken_isRefused() throws Exception {
    auth0.registerConnectionToken(
        "auth0|bob", "google-oauth2", "ya29.bob", Duration.ofMinutes(5), "");
    String forged = auth0.signedWithWrongKey(auth0.token().subject("auth0|bob").claims());

    HttpResponse<String> response =
        postForm(exchange(forged, "urn:ietf:params:oauth:token-type:access_token"));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo("invalid_grant");
  }

  @Test
  void clientCredentials_withAWrongSecret_isUnauthorized() throws Exception {
    HttpResponse<String> response =
        postForm(
            Map.of(
                "grant_type", "client_credentials",
                "client_id", FakeAuth0Server.DEFAULT_CLIENT_ID,
                "client_secret", "nope"));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo("access_denied");
  }

  @Test
  void managementApi_withoutAToken_isUnauthorized() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(auth0.baseUrl() + "/api/v2/roles")).GET().build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(response.body()).path("statusCode").asInt()).isEqualTo(401);
  }

  @Test
  void jwks_publishesTheSigningKeyUnderItsKid() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(auth0.jwksUrl())).GET().build(),
            HttpResponse.BodyHandlers.ofString());

    JsonNode key = JSON.readTree(response.body()).path("keys").path(0);
    assertThat(key.path("kid").asText()).isEqualTo(auth0.keyId());
    assertThat(key.path("kty").asText()).isEqualTo("RSA");
    assertThat(key.path("alg").asText()).isEqualTo("RS256");
  }

  @Test
  void rotateSigningKey_publishesBothKeysAndSignsWithTheNewOne() throws Exception {
    String oldKeyId = auth0.keyId();
    String oldToken = auth0.token().sign();

    String newKeyId = auth0.rotateSigningKey();

    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(auth0.jwksUrl())).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(JSON.readTree(response.body()).path("keys").findValuesAsText("kid"))
        .containsExactly(oldKeyId, newKeyId);
    assertThat(auth0.keyId()).isEqualTo(newKeyId).isNotEqualTo(oldKeyId);
    assertThat(JWT.decode(auth0.token().sign()).getKeyId()).isEqualTo(newKeyId);
    assertThat(auth0.verifies(oldToken, FakeAuth0Server.DEFAULT_AUDIENCE)).isTrue();
    assertThat(auth0.verifies(auth0.token().sign(), FakeAuth0Server.DEFAULT_AUDIENCE)).isTrue();
  }

  @Test
  void withdrawSigningKey_dropsAnOldKeyButNotTheOneSigningNow() {
    String oldKeyId = auth0.keyId();
    String oldToken = auth0.token().sign();
    String newKeyId = auth0.rotateSigningKey();

    auth0.withdrawSigningKey(oldKeyId);

    assertThat(auth0.publishedKeyIds()).containsExactly(newKeyId);
    assertThat(auth0.verifies(oldToken, FakeAuth0Server.DEFAULT_AUDIENCE)).isFalse();
    assertThatThrownBy(() -> auth0.withdrawSigningKey(newKeyId))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the key signing now cannot be withdrawn");
  }
}
