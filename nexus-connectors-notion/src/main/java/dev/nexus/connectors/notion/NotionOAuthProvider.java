package dev.nexus.connectors.notion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.error.ProviderException;
import dev.nexus.core.error.RetriableException;
import dev.nexus.core.vault.AuthorizationRequest;
import dev.nexus.core.vault.InvalidGrantException;
import dev.nexus.core.vault.IssuedTokens;
import dev.nexus.core.vault.OAuthProvider;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.core.vault.Secret;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notion's OAuth flow for a public integration: the consent URL ({@code owner=user}), the code
 * exchange and refresh at {@code /v1/oauth/token} with HTTP Basic client authentication and a JSON
 * body, and revocation at {@code /v1/oauth/revoke}. Notion has no scopes (an integration's
 * capabilities are set in Notion), its access tokens carry no expiry, and its refresh tokens
 * rotate: every refresh answers a new refresh token, which replaces the old one.
 *
 * <p>PKCE: when the settings ask for it (the default) the consent URL carries an S256 {@code
 * code_challenge} and the exchange sends the {@code code_verifier}. Notion does not document PKCE
 * and ignores both; they cost nothing and protect the flow wherever the server does check them.
 */
public final class NotionOAuthProvider implements OAuthProvider {

  private static final Logger LOG = LoggerFactory.getLogger(NotionOAuthProvider.class);
  private static final MediaType JSON_TYPE = MediaType.get("application/json; charset=utf-8");

  private final NotionSettings settings;
  private final OkHttpClient http;
  private final ObjectMapper json;

  /** A provider with its own HTTP client. */
  public NotionOAuthProvider(NotionSettings settings) {
    this(settings, NotionClient.defaultHttpClient(settings), new ObjectMapper());
  }

  NotionOAuthProvider(NotionSettings settings, OkHttpClient http, ObjectMapper json) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.http = Objects.requireNonNull(http, "http");
    this.json = Objects.requireNonNull(json, "json");
  }

  @Override
  public ProviderId provider() {
    return ProviderId.NOTION;
  }

  /** Notion has no OAuth scopes: what an integration may do is set on the integration. */
  @Override
  public Set<String> scopes() {
    return Set.of();
  }

  @Override
  public URI authorizationUrl(AuthorizationRequest request) {
    Objects.requireNonNull(request, "request");
    HttpUrl.Builder url =
        HttpUrl.get(settings.authorizationEndpoint().toString())
            .newBuilder()
            .addQueryParameter("client_id", settings.clientId())
            .addQueryParameter("response_type", "code")
            .addQueryParameter("owner", "user")
            .addQueryParameter("redirect_uri", request.redirectUri().toString())
            .addQueryParameter("state", request.state());
    if (settings.usePkce()) {
      url.addQueryParameter("code_challenge", request.codeChallenge())
          .addQueryParameter("code_challenge_method", "S256");
    }
    return url.build().uri();
  }

  @Override
  public IssuedTokens exchange(String code, String codeVerifier, URI redirectUri) {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(redirectUri, "redirectUri");
    ObjectNode body = json.createObjectNode();
    body.put("grant_type", "authorization_code");
    body.put("code", code);
    body.put("redirect_uri", redirectUri.toString());
    if (settings.usePkce() && codeVerifier != null) {
      body.put("code_verifier", codeVerifier);
    }
    return tokens(call(settings.tokenEndpoint(), body, "code exchange"));
  }

  @Override
  public IssuedTokens refresh(Secret refreshToken) {
    Objects.requireNonNull(refreshToken, "refreshToken");
    ObjectNode body = json.createObjectNode();
    body.put("grant_type", "refresh_token");
    body.put("refresh_token", refreshToken.reveal());
    return tokens(call(settings.tokenEndpoint(), body, "token refresh"));
  }

  @Override
  public void revoke(Secret token) {
    Objects.requireNonNull(token, "token");
    ObjectNode body = json.createObjectNode();
    body.put("token", token.reveal());
    try {
      call(settings.revocationEndpoint(), body, "revocation");
    } catch (InvalidGrantException e) {
      // A token Notion no longer knows is already as revoked as it gets.
    }
  }

  private IssuedTokens tokens(JsonNode answer) {
    String access = answer.path("access_token").asText("");
    if (access.isEmpty()) {
      throw new ProviderException("Notion's token answer had no access token");
    }
    String refresh = answer.path("refresh_token").asText("");
    Instant expiresAt =
        answer.hasNonNull("expires_in")
            ? Instant.now().plusSeconds(answer.get("expires_in").asLong())
            : null;
    String workspace = answer.path("workspace_name").asText("");
    return new IssuedTokens(
        Secret.of(access),
        refresh.isEmpty() ? null : Secret.of(refresh),
        expiresAt,
        Set.of(),
        workspace.isBlank() ? null : workspace);
  }

  private JsonNode call(URI endpoint, ObjectNode body, String operation) {
    Request request;
    try {
      request =
          new Request.Builder()
              .url(endpoint.toString())
              .header(
                  "Authorization",
                  Credentials.basic(settings.clientId(), settings.clientSecret().reveal()))
              .header("Notion-Version", settings.notionVersion())
              .post(RequestBody.create(json.writeValueAsBytes(body), JSON_TYPE))
              .build();
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
    long started = System.nanoTime();
    try (Response response = http.newCall(request).execute()) {
      ResponseBody responseBody = response.body();
      String text = responseBody == null ? "" : responseBody.string();
      JsonNode answer = text.isBlank() ? json.createObjectNode() : parse(text);
      int status = response.code();
      String error = answer.path("error").asText(answer.path("code").asText(""));
      LOG.debug(
          "notion oauth {} answered {}{} in {} ms",
          operation,
          status,
          error.isEmpty() ? "" : " " + error,
          (System.nanoTime() - started) / 1_000_000);
      if (response.isSuccessful()) {
        return answer;
      }
      if ("invalid_grant".equals(error)) {
        throw new InvalidGrantException(
            "Notion refused the grant during " + operation + "; connect Notion again");
      }
      if (status == 401 || "invalid_client".equals(error)) {
        throw new ConfigurationException(
            "Notion refused the OAuth client credentials; check the client id and secret");
      }
      if (status == 429 || status >= 500) {
        throw new RetriableException(
            "Notion's OAuth " + operation + " is busy (HTTP " + status + ")");
      }
      throw new ProviderException(
          "Notion refused the OAuth " + operation + " (HTTP " + status + ", " + error + ")");
    } catch (IOException e) {
      LOG.debug(
          "notion oauth {} failed without an answer ({})", operation, e.getClass().getSimpleName());
      throw new RetriableException(
          "Notion's OAuth " + operation + " could not be reached", null, e);
    }
  }

  private JsonNode parse(String text) {
    try {
      return json.readTree(text);
    } catch (IOException e) {
      return json.createObjectNode();
    }
  }
}
