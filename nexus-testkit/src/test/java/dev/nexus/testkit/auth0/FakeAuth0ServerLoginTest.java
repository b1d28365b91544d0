package dev.nexus.testkit.auth0;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nexus.authz.auth0.Auth0Authenticator;
import dev.nexus.authz.auth0.Auth0TokenPolicy;
import dev.nexus.authz.auth0.PersonalOrganizations;
import dev.nexus.core.identity.AuthenticationResult;
import dev.nexus.core.identity.Credential;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Principal;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import dev.nexus.testkit.MutableClock;
import dev.nexus.testkit.memory.InMemoryAuditLog;
import dev.nexus.testkit.memory.InMemoryAuthorizer;
import dev.nexus.testkit.memory.InMemoryOrganizationDirectory;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fake tenant's Universal Login for a single-page app: {@code /authorize} with PKCE, then the
 * {@code authorization_code} grant, spoken to over HTTP the way the web workspace does.
 */
class FakeAuth0ServerLoginTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SPA = "nexus-web";
  private static final URI CALLBACK = URI.create("http://localhost:8080/");
  private static final String AUDIENCE = "https://api.nexus.test/";
  private static final String VERIFIER = "a-verifier-of-the-web-page-0123456789-abcdefghijklm";
  private static final String ROLE_CLAIM = "https://nexus.test/role";

  private final MutableClock clock = new MutableClock();
  private final FakeAuth0Server auth0 = FakeAuth0Server.start(clock);
  private final HttpClient http = HttpClient.newHttpClient();

  FakeAuth0ServerLoginTest() {
    auth0.registerSinglePageApp(SPA, CALLBACK);
  }

  @AfterEach
  void stop() {
    auth0.close();
  }

  private static String challenge(String verifier) throws Exception {
    byte[] digest =
        MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
  }

  private static String form(Map<String, String> values) {
    return values.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  private static Map<String, String> queryOf(URI uri) {
    Map<String, String> query = new LinkedHashMap<>();
    for (String pair : uri.getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      query.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return query;
  }

  /** The authorize parameters the web page sends, changeable per test. */
  private static Map<String, String> loginRequest() throws Exception {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("response_type", "code");
    params.put("client_id", SPA);
    params.put("redirect_uri", CALLBACK.toString());
    params.put("scope", "openid profile email");
    params.put("audience", AUDIENCE);
    params.put("state", "state-42");
    params.put("code_challenge", challenge(VERIFIER));
    params.put("code_challenge_method", "S256");
    return params;
  }

  private HttpResponse<String> authorize(Map<String, String> params) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(auth0.baseUrl() + "/authorize?" + form(params)))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Where {@code /authorize} sent the browser back to, with its query parsed. */
  private Map<String, String> redirectOf(HttpResponse<String> response) {
    assertThat(response.statusCode()).isEqualTo(302);
    URI location = URI.create(response.headers().firstValue("Location").orElseThrow());
    assertThat(location.toString()).startsWith(CALLBACK + "?");
    return queryOf(location);
  }

  private String codeFor(Map<String, String> params) throws Exception {
    return redirectOf(authorize(params)).get("code");
  }

  private HttpResponse<String> redeem(String code, String verifier, String redirectUri)
      throws Exception {
    return redeem(code, verifier, redirectUri, SPA, null);
  }

  private HttpResponse<String> redeem(
      String code, String verifier, String redirectUri, String clientId, String origin)
      throws Exception {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("grant_type", "authorization_code");
    body.put("client_id", clientId);
    body.put("code", code);
    body.put("code_verifier", verifier);
    body.put("redirect_uri", redirectUri);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(auth0.baseUrl() + "/oauth/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form(body)));
    if (origin != null) {
      request.header("Origin", origin);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  private Auth0Authenticator authenticator(Auth0TokenPolicy policy) {
    InMemoryAuthorizer model = new InMemoryAuthorizer();
    return new Auth0Authenticator(
        policy,
        Auth0Authenticator.keySet(policy),
        model,
        new PersonalOrganizations(
            model, model, new InMemoryOrganizationDirectory(), new InMemoryAuditLog(), clock),
        clock);
  }

  @Test
  void authorize_consentsAtOnce_andRedirectsBackWithACodeAndTheState() throws Exception {
    // given a person the tenant signs in
    auth0.signInAs("auth0|ada", Map.of("email", "ada@example.com"));

    // when the page sends the browser to /authorize
    Map<String, String> back = redirectOf(authorize(loginRequest()));

    // then it comes back with a code and the page's own state, and the fake remembers the request
    assertThat(back.get("code")).isNotBlank();
    assertThat(back.get("state")).isEqualTo("state-42");
    FakeAuth0Server.AuthorizeRequest seen = auth0.lastAuthorization().orElseThrow();
    assertThat(seen.clientId()).isEqualTo(SPA);
    assertThat(seen.redirectUri()).isEqualTo(CALLBACK.toString());
    assertThat(seen.audience()).isEqualTo(AUDIENCE);
    assertThat(seen.codeChallenge()).isEqualTo(challenge(VERIFIER));
    assertThat(seen.codeChallengeMethod()).isEqualTo("S256");
    assertThat(seen.scope()).isEqualTo("openid profile email");
    assertThat(seen.organization()).isNull();
  }

  @Test
  void code_exchangedWithItsVerifier_givesATokenTheAuthenticatorAccepts() throws Exception {
    // given a code issued for ada's personal login
    auth0.signInAs("auth0|ada", Map.of("email", "ada@example.com"));
    String code = codeFor(loginRequest());

    // when the page redeems it with the verifier
    HttpResponse<String> response = redeem(code, VERIFIER, CALLBACK.toString());

    // then the answer is Auth0's token response, whose access token Nexus accepts
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = json(response);
    assertThat(body.path("token_type").asText()).isEqualTo("Bearer");
    assertThat(body.path("expires_in").asLong()).isEqualTo(86400);
    assertThat(body.path("scope").asText()).isEqualTo("openid profile email");
    DecodedJWT access = JWT.decode(body.path("access_token").asText());
    assertThat(access.getAlgorithm()).isEqualTo("RS256");
    assertThat(access.getKeyId()).isEqualTo(auth0.keyId());
    assertThat(access.getIssuer()).isEqualTo(auth0.issuer());
    assertThat(access.getAudience()).containsExactly(AUDIENCE, auth0.issuer() + "userinfo");
    assertThat(access.getClaim("azp").asString()).isEqualTo(SPA);
    assertThat(access.getClaim("org_id").isMissing()).isTrue();
    DecodedJWT id = JWT.decode(body.path("id_token").asText());
    assertThat(id.getAudience()).containsExactly(SPA);
    assertThat(id.getClaim("email").asString()).isEqualTo("ada@example.com");
    AuthenticationResult result =
        authenticator(Auth0TokenPolicy.forTenant(auth0.baseUrl(), AUDIENCE))
            .authenticate(Credential.bearer(body.path("access_token").asText()));
    assertThat(result).isInstanceOf(AuthenticationResult.Authenticated.class);
    assertThat(((AuthenticationResult.Authenticated) result).principal().user())
        .isEqualTo(UserId.of("auth0|ada"));
    assertThat(auth0.authorizationCodesRedeemed()).isEqualTo(1);
  }

  @Test
  void organizationLogin_byName_putsTheOrganizationIdAndClaimsInTheToken() throws Exception {
    // given an organization that counts grace as an admin, and a role claim on her login
    String acme = auth0.seedOrganization("acme", "Acme");
    auth0.seedMember(acme, "auth0|grace", "admin");
    auth0.signInAs("auth0|grace", Map.of(ROLE_CLAIM, "admin"));
    Map<String, String> params = loginRequest();
    params.put("organization", "acme");

    // when she logs in to it and the code is redeemed
    JsonNode body = json(redeem(codeFor(params), VERIFIER, CALLBACK.toString()));

    // then the token names the organization by id, and Nexus sees an admin of it
    assertThat(auth0.lastAuthorization().orElseThrow().organization()).isEqualTo("acme");
    assertThat(JWT.decode(body.path("access_token").asText()).getClaim("org_id").asString())
        .isEqualTo(acme);
    AuthenticationResult result =
        authenticator(
                Auth0TokenPolicy.forTenant(auth0.baseUrl(), AUDIENCE).withRoleClaim(ROLE_CLAIM))
            .authenticate(Credential.bearer(body.path("access_token").asText()));
    assertThat(result)
        .isEqualTo(
            new AuthenticationResult.Authenticated(
                new Principal(UserId.of("auth0|grace"), OrganizationId.of(acme), Role.ADMIN)));
  }

  @Test
  void organizationLogin_ofANonMember_comesBackAsAccessDenied() throws Exception {
    // given an organization linus is not a member of
    auth0.seedOrganization("acme", "Acme");
    auth0.signInAs("auth0|linus", Map.of());
    Map<String, String> params = loginRequest();
    params.put("organization", "acme");

    // when he tries to log in to it
    Map<String, String> back = redirectOf(authorize(params));

    // then the page is told why, with its state, and gets no code
    assertThat(back).doesNotContainKey("code");
    assertThat(back.get("error")).isEqualTo("access_denied");
    assertThat(back.get("state")).isEqualTo("state-42");
  }

  @Test
  void code_usedTwice_isRefusedTheSecondTime() throws Exception {
    // given a code that was redeemed once
    String code = codeFor(loginRequest());
    assertThat(redeem(code, VERIFIER, CALLBACK.toString()).statusCode()).isEqualTo(200);

    // when it is presented again
    HttpResponse<String> again = redeem(code, VERIFIER, CALLBACK.toString());

    // then it is an invalid grant
    assertThat(again.statusCode()).isEqualTo(403);
    assertThat(json(again).path("error").asText()).isEqualTo("invalid_grant");
    assertThat(json(again).path("error_description").asText())
        .isEqualTo("Invalid authorization code");
  }

  @Test
  void code_withAnotherVerifier_isRefused_andSpent() throws Exception {
    // given a code
    String code = codeFor(loginRequest());

    // when it is redeemed with a verifier that does not hash to the challenge
    HttpResponse<String> wrong =
        redeem(code, "another-verifier-0123456789-abcdefghijklmnopqrstuvw", CALLBACK.toString());

    // then it is refused, and the right verifier cannot use it afterwards
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(json(wrong).path("error_description").asText())
        .isEqualTo("Failed to verify code verifier");
    assertThat(redeem(code, VERIFIER, CALLBACK.toString()).statusCode()).isEqualTo(403);
    assertThat(auth0.authorizationCodesRedeemed()).isZero();
  }

  @Test
  void code_withAnotherRedirectUri_isRefused() throws Exception {
    String code = codeFor(loginRequest());

    HttpResponse<String> response = redeem(code, VERIFIER, "http://localhost:8080/elsewhere");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(json(response).path("error").asText()).isEqualTo("invalid_grant");
  }

  @Test
  void code_presentedByAnotherClient_isRefused() throws Exception {
    // given a second single-page app of the same tenant
    auth0.registerSinglePageApp("other-app", CALLBACK);
    String code = codeFor(loginRequest());

    // when it presents nexus-web's code, then the code is not its to use
    HttpResponse<String> response = redeem(code, VERIFIER, CALLBACK.toString(), "other-app", null);
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(json(response).path("error").asText()).isEqualTo("invalid_grant");

    // and an unknown client is not even authenticated
    HttpResponse<String> stranger = redeem("x", VERIFIER, CALLBACK.toString(), "nobody", null);
    assertThat(stranger.statusCode()).isEqualTo(401);
    assertThat(json(stranger).path("error").asText()).isEqualTo("access_denied");
  }

  @Test
  void code_afterAMinute_hasExpired() throws Exception {
    String code = codeFor(loginRequest());

    clock.advance(Duration.ofSeconds(61));
    HttpResponse<String> response = redeem(code, VERIFIER, CALLBACK.toString());

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(json(response).path("error").asText()).isEqualTo("invalid_grant");
  }

  @Test
  void tokenRequest_withoutTheVerifier_isAnInvalidRequest() throws Exception {
    String code = codeFor(loginRequest());

    HttpResponse<String> response = redeem(code, "", CALLBACK.toString());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).path("error").asText()).isEqualTo("invalid_request");
    assertThat(json(response).path("error_description").asText()).contains("code_verifier");
  }

  @Test
  void authorize_withAPlainChallenge_redirectsWithAnError() throws Exception {
    Map<String, String> params = loginRequest();
    params.put("code_challenge_method", "plain");
    params.put("code_challenge", VERIFIER.substring(0, 43));

    Map<String, String> back = redirectOf(authorize(params));

    assertThat(back).doesNotContainKey("code");
    assertThat(back.get("error")).isEqualTo("invalid_request");
    assertThat(back.get("error_description")).contains("S256");
    assertThat(back.get("state")).isEqualTo("state-42");
  }

  @Test
  void authorize_toAnUnregisteredCallback_answersAnErrorPageInsteadOfRedirecting()
      throws Exception {
    Map<String, String> params = loginRequest();
    params.put("redirect_uri", "https://attacker.example/");

    HttpResponse<String> response = authorize(params);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Location")).isEmpty();
    assertThat(json(response).path("error_description").asText())
        .isEqualTo("Callback URL mismatch.");
  }

  @Test
  void tokenEndpoint_letsOnlyTheAppsOwnOriginReadTheAnswer() throws Exception {
    HttpResponse<String> fromPage =
        redeem(
            codeFor(loginRequest()), VERIFIER, CALLBACK.toString(), SPA, "http://localhost:8080");
    HttpResponse<String> fromElsewhere =
        redeem(codeFor(loginRequest()), VERIFIER, CALLBACK.toString(), SPA, "https://evil.example");

    assertThat(fromPage.headers().firstValue("Access-Control-Allow-Origin"))
        .contains("http://localhost:8080");
    assertThat(fromElsewhere.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void logout_returnsOnlyToAnAllowedUrl() throws Exception {
    HttpResponse<String> allowed =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        auth0.baseUrl()
                            + "/v2/logout?"
                            + form(Map.of("client_id", SPA, "returnTo", CALLBACK.toString()))))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> refused =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        auth0.baseUrl()
                            + "/v2/logout?"
                            + form(Map.of("client_id", SPA, "returnTo", "https://evil.example/"))))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(allowed.statusCode()).isEqualTo(302);
    assertThat(allowed.headers().firstValue("Location")).contains(CALLBACK.toString());
    assertThat(refused.statusCode()).isEqualTo(400);
  }
}
