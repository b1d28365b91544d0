package dev.nexus.connectors.gmail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.core.vault.AuthorizationRequest;
import dev.nexus.core.vault.Secret;
import java.net.URI;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GoogleLoginHintTest {

  private final GoogleOAuthProvider provider =
      new GmailToolkit(
              GmailSettings.defaults(GoogleOAuthSettings.google("client", Secret.of("secret"))))
          .googleOAuth();

  @Test
  void authorizationUrl_carriesTheLoginHint_onlyWhenGiven() {
    URI redirect = URI.create("https://nexus.example/api/connections/gmail/callback");

    URI hinted =
        provider.authorizationUrl(
            new AuthorizationRequest("s", "c", redirect, Set.of(), "ann@example.com"));
    URI plain = provider.authorizationUrl(new AuthorizationRequest("s", "c", redirect, Set.of()));

    assertThat(hinted.getRawQuery()).contains("login_hint=ann@example.com");
    assertThat(plain.getRawQuery()).doesNotContain("login_hint");
  }
}
