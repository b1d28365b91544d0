package dev.nexus.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.error.ConfigurationException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerSettingsTest {

  @Test
  void noConfiguration_isAFullSandbox() {
    ServerSettings settings = ServerSettings.from(Map.of());

    assertThat(settings.port()).isEqualTo(8080);
    assertThat(settings.host()).isEqualTo("127.0.0.1");
    assertThat(settings.dataDirectory().toString()).endsWith(".nexus");
    assertThat(settings.sandboxParts()).hasSize(7);
    assertThat(settings.limits().approvalTtl()).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void badValues_areRefusedNamingTheVariable() {
    assertThatThrownBy(() -> ServerSettings.from(Map.of("NEXUS_PORT", "eighty")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("NEXUS_PORT must be a whole number from 0 to 65535");
    assertThatThrownBy(() -> ServerSettings.from(Map.of("NEXUS_APPROVAL_TTL", "-5")))
        .hasMessageStartingWith("NEXUS_APPROVAL_TTL must be a positive duration");
    assertThatThrownBy(() -> ServerSettings.from(Map.of("NEXUS_PUBLIC_URL", "ftp://x")))
        .hasMessage("NEXUS_PUBLIC_URL must be an absolute http or https URL");
    assertThatThrownBy(() -> ServerSettings.from(Map.of("NEXUS_DATABASE_URL", "mysql://x")))
        .hasMessage("NEXUS_DATABASE_URL must be a jdbc:postgresql: URL");
    assertThatThrownBy(() -> ServerSettings.from(Map.of("NEXUS_GOOGLE_CLIENT_ID", "id")))
        .hasMessage("NEXUS_GOOGLE_CLIENT_SECRET must be set with NEXUS_GOOGLE_CLIENT_ID");
    assertThatThrownBy(() -> ServerSettings.from(Map.of("NEXUS_PRODUCTION", "maybe")))
        .hasMessage("NEXUS_PRODUCTION must be true or false");
  }

  @Test
  void secrets_neverAppearInMessagesOrToString() {
    Map<String, String> env = new HashMap<>();
    env.put("NEXUS_GOOGLE_CLIENT_ID", "client");
    env.put("NEXUS_GOOGLE_CLIENT_SECRET", "very-secret-value");
    env.put("NEXUS_GEMINI_API_KEY", "gemini-secret-value");

    ServerSettings settings = ServerSettings.from(env);

    assertThat(settings.toString() + settings.google() + settings.gemini())
        .doesNotContain("very-secret-value")
        .doesNotContain("gemini-secret-value");
  }

  @Test
  void production_refusesToStartWithSandboxParts() {
    Map<String, String> env = new HashMap<>();
    env.put("NEXUS_PRODUCTION", "true");
    env.put("NEXUS_GEMINI_API_KEY", "key");

    assertThatThrownBy(() -> ServerSettings.from(env))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("database (NEXUS_DATABASE_URL)")
        .hasMessageContaining("identity (NEXUS_AUTH0_DOMAIN)")
        .hasMessageNotContaining("model (NEXUS_GEMINI_API_KEY)");
  }

  @Test
  void production_withEveryPartConfigured_isAccepted() {
    Map<String, String> env = new HashMap<>();
    env.put("NEXUS_PRODUCTION", "true");
    env.put("NEXUS_DATABASE_URL", "jdbc:postgresql://db:5432/nexus");
    env.put("NEXUS_DATABASE_USER", "nexus_app");
    env.put("NEXUS_VAULT_KEYSET_FILE", "/etc/nexus/keyset.json");
    env.put("NEXUS_AUTH0_DOMAIN", "acme.eu.auth0.com");
    env.put("NEXUS_AUTH0_AUDIENCE", "https://api.acme.example");
    env.put("NEXUS_AUTHORIZATION", "embedded");
    env.put("NEXUS_GEMINI_API_KEY", "key");

    ServerSettings settings = ServerSettings.from(env);

    assertThat(settings.sandboxParts()).isEmpty();
    assertThat(settings.host()).isEqualTo("0.0.0.0");
    assertThat(settings.embeddedAuthorization()).isTrue();
  }

  @Test
  void auth0Domain_aHostName_isReachedOverHttps() {
    ServerSettings settings =
        ServerSettings.from(
            Map.of(
                "NEXUS_AUTH0_DOMAIN", "acme.eu.auth0.com", "NEXUS_AUTH0_AUDIENCE", "https://a/"));

    assertThat(settings.auth0().orElseThrow().baseUrl().toString())
        .isEqualTo("https://acme.eu.auth0.com");
    assertThat(settings.auth0().orElseThrow().domain()).isEqualTo("acme.eu.auth0.com");
  }

  @Test
  void auth0Domain_aLoopbackHttpUrl_isAcceptedOnlyOutsideProduction() {
    Map<String, String> env = new HashMap<>();
    env.put("NEXUS_AUTH0_DOMAIN", "http://127.0.0.1:4711/");
    env.put("NEXUS_AUTH0_AUDIENCE", "https://a/");

    ServerSettings.Auth0 auth0 = ServerSettings.from(env).auth0().orElseThrow();
    assertThat(auth0.baseUrl().toString()).isEqualTo("http://127.0.0.1:4711");
    assertThat(auth0.domain()).isEqualTo("127.0.0.1:4711");

    env.put("NEXUS_PRODUCTION", "true");
    assertThatThrownBy(() -> ServerSettings.from(env))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("NEXUS_AUTH0_DOMAIN must be an https tenant when NEXUS_PRODUCTION is true");
  }

  @Test
  void auth0Domain_plainHttpElsewhere_orWithAPath_isRefused() {
    for (String value :
        new String[] {
          "http://acme.eu.auth0.com", "http://127.0.0.1:4711/tenant", "ftp://127.0.0.1", "a b"
        }) {
      assertThatThrownBy(
              () ->
                  ServerSettings.from(
                      Map.of("NEXUS_AUTH0_DOMAIN", value, "NEXUS_AUTH0_AUDIENCE", "https://a/")))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageStartingWith("NEXUS_AUTH0_DOMAIN must be a host name such as");
    }
  }
}
