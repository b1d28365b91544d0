package dev.nexus.connectors.gmail;

import com.google.api.client.auth.oauth2.AuthorizationCodeRequestUrl;
import com.google.api.client.auth.oauth2.AuthorizationCodeTokenRequest;
import com.google.api.client.auth.oauth2.ClientParametersAuthentication;
import com.google.api.client.auth.oauth2.RefreshTokenRequest;
import com.google.api.client.auth.oauth2.TokenRequest;
import com.google.api.client.auth.oauth2.TokenResponse;
import com.google.api.client.auth.oauth2.TokenResponseException;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.HttpResponseException;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.UrlEncodedContent;
import com.google.api.client.json.JsonFactory;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.Profile;
import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.error.InvalidInputException;
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
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Google's OAuth 2.0 flow for a user connecting Gmail: the consent URL (authorization code with
 * PKCE S256, offline access so Google issues a refresh token, and consent asked every time so it
 * does), the code exchange, refresh and revocation, through the token classes of
 * google-oauth-client. A new grant is labelled with the account's address from Gmail's profile when
 * the granted scopes allow reading it.
 */
public final class GoogleOAuthProvider implements OAuthProvider {

  private static final Logger LOG = LoggerFactory.getLogger(GoogleOAuthProvider.class);

  /** The scopes the Gmail tools need: read, send, drafts, labels and trash. */
  public static final Set<String> GMAIL_SCOPES =
      Set.copyOf(
          Arrays.stream(GmailPermission.values())
              .map(GmailPermission::requestedScope)
              .collect(Collectors.toCollection(LinkedHashSet::new)));

  private final GoogleOAuthSettings settings;
  private final URI apiRoot;
  private final HttpTransport transport;
  private final JsonFactory json;
  private final Clock clock;

  GoogleOAuthProvider(
      GoogleOAuthSettings settings,
      URI apiRoot,
      HttpTransport transport,
      JsonFactory json,
      Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.apiRoot = Objects.requireNonNull(apiRoot, "apiRoot");
    this.transport = Objects.requireNonNull(transport, "transport");
    this.json = Objects.requireNonNull(json, "json");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public ProviderId provider() {
    return ProviderId.GMAIL;
  }

  @Override
  public Set<String> scopes() {
    return GMAIL_SCOPES;
  }

  @Override
  public URI authorizationUrl(AuthorizationRequest request) {
    Objects.requireNonNull(request, "request");
    Set<String> scopes = request.scopes().isEmpty() ? GMAIL_SCOPES : request.scopes();
    AuthorizationCodeRequestUrl url =
        new AuthorizationCodeRequestUrl(
                settings.authorizationEndpoint().toString(), settings.clientId())
            .setRedirectUri(request.redirectUri().toString())
            .setScopes(scopes.stream().sorted().toList())
            .setState(request.state());
    url.setCodeChallenge(request.codeChallenge());
    url.setCodeChallengeMethod("S256");
    url.set("access_type", "offline");
    url.set("prompt", "consent");
    request.optionalLoginHint().ifPresent(hint -> url.set("login_hint", hint));
    return URI.create(url.build());
  }

  @Override
  public IssuedTokens exchange(String code, String codeVerifier, URI redirectUri) {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(codeVerifier, "codeVerifier");
    Objects.requireNonNull(redirectUri, "redirectUri");
    if (code.isBlank()) {
      throw new InvalidInputException("the authorization code is empty");
    }
    AuthorizationCodeTokenRequest request =
        new AuthorizationCodeTokenRequest(
                transport, json, new GenericUrl(settings.tokenEndpoint()), code)
            .setRedirectUri(redirectUri.toString());
    request.set("code_verifier", codeVerifier);
    TokenResponse response = execute("exchange", request);
    return issued(response, accountAddress(response.getAccessToken()));
  }

  @Override
  public IssuedTokens refresh(Secret refreshToken) {
    Objects.requireNonNull(refreshToken, "refreshToken");
    RefreshTokenRequest request =
        new RefreshTokenRequest(
            transport, json, new GenericUrl(settings.tokenEndpoint()), refreshToken.reveal());
    return issued(execute("refresh", request), null);
  }

  @Override
  public void revoke(Secret token) {
    Objects.requireNonNull(token, "token");
    long started = System.nanoTime();
    try {
      HttpRequest request =
          transport
              .createRequestFactory()
              .buildPostRequest(
                  new GenericUrl(settings.revocationEndpoint()),
                  new UrlEncodedContent(Map.of("token", token.reveal())));
      timeouts(request);
      request.setThrowExceptionOnExecuteError(false);
      HttpResponse response = request.execute();
      int status = response.getStatusCode();
      response.disconnect();
      log("revoke", status, started);
      if (status >= 500) {
        throw new RetriableException(
            "Google could not revoke the Gmail grant now (HTTP " + status + "); try again later.");
      }
      // 400 invalid_token: Google no longer knows the token, which is what revoking wants.
    } catch (IOException e) {
      log("revoke", -1, started);
      throw new RetriableException(
          "Google could not be reached to revoke the Gmail grant; try again later.", null, e);
    }
  }

  /**
   * The connected account's address from Gmail's profile, to label the grant; null when the grant
   * cannot read it or Gmail does not answer (the label is only for display).
   */
  private String accountAddress(String accessToken) {
    if (accessToken == null || accessToken.isEmpty()) {
      return null;
    }
    long started = System.nanoTime();
    try {
      Profile profile =
          new Gmail.Builder(
                  transport,
                  json,
                  request -> {
                    request.getHeaders().setAuthorization("Bearer " + accessToken);
                    timeouts(request);
                  })
              .setRootUrl(apiRoot.toString())
              .setApplicationName("nexus")
              .build()
              .users()
              .getProfile("me")
              .execute();
      log("profile", 200, started);
      return profile.getEmailAddress();
    } catch (HttpResponseException e) {
      log("profile", e.getStatusCode(), started);
      return null;
    } catch (IOException e) {
      log("profile", -1, started);
      return null;
    }
  }

  private TokenResponse execute(String operation, TokenRequest request) {
    request.setClientAuthentication(
        new ClientParametersAuthentication(settings.clientId(), settings.clientSecret().reveal()));
    request.setRequestInitializer(this::timeouts);
    long started = System.nanoTime();
    try {
      TokenResponse response = request.execute();
      log(operation, 200, started);
      return response;
    } catch (TokenResponseException e) {
      int status = e.getStatusCode();
      log(operation, status, started);
      String error = e.getDetails() == null ? null : e.getDetails().getError();
      if ("invalid_grant".equals(error)) {
        throw new InvalidGrantException(
            "exchange".equals(operation)
                ? "Google refused the authorization code; connect Gmail again."
                : "Google revoked the Gmail grant; connect Gmail again.",
            e);
      }
      if ("invalid_client".equals(error) || "unauthorized_client".equals(error)) {
        throw new ConfigurationException(
            "Google refused the OAuth client; check the Gmail client id and secret.", e);
      }
      if (status >= 500 || status == 429) {
        throw new RetriableException(
            "Google's token endpoint is unavailable (HTTP " + status + "); try again later.",
            null,
            e);
      }
      throw new ProviderException(
          "Google refused the token request (" + (error == null ? "HTTP " + status : error) + ").",
          e);
    } catch (IOException e) {
      log(operation, -1, started);
      throw new RetriableException(
          "Google's token endpoint could not be reached; try again later.", null, e);
    }
  }

  private void timeouts(HttpRequest request) {
    int millis = (int) settings.timeout().toMillis();
    request.setConnectTimeout(millis);
    request.setReadTimeout(millis);
  }

  private IssuedTokens issued(TokenResponse response, String accountLabel) {
    if (response.getAccessToken() == null || response.getAccessToken().isEmpty()) {
      throw new ProviderException("Google answered the token request without an access token.");
    }
    Instant expiresAt =
        response.getExpiresInSeconds() == null
            ? null
            : clock.instant().plusSeconds(response.getExpiresInSeconds());
    Set<String> scopes =
        response.getScope() == null
            ? Set.of()
            : Set.copyOf(List.of(response.getScope().trim().split("\\s+")));
    Secret refresh =
        response.getRefreshToken() == null || response.getRefreshToken().isEmpty()
            ? null
            : Secret.of(response.getRefreshToken());
    return new IssuedTokens(
        Secret.of(response.getAccessToken()), refresh, expiresAt, scopes, accountLabel);
  }

  private static void log(String operation, int status, long started) {
    LOG.debug(
        "google oauth {} status={} tookMs={}",
        operation,
        status,
        (System.nanoTime() - started) / 1_000_000);
  }
}
