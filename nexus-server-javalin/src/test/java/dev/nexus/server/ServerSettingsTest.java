package dev.nexus.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.error.ConfigurationException;
import dev.nexus.vault.VaultKeys;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
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
        .hasMessage("NEXUS_PORT=eighty must be a whole number from 0 to 65535");
    assertThatThrownBy(() -> ServerSettings.from(Map.of("NEXUS_PORT", "70000")))
        .hasMessage("NEXUS_PORT=70000 must be a whole number from 0 to 65535");
    assertThatThrownBy(() -> ServerSettings.from(Map.of("NEXUS_APPROVAL_TTL", "-5")))
        .hasMessageStartingWith("NEXUS_APPROVAL_TTL=-5 must be a positive duration");
    assertThatThrownBy(() -> ServerSettings.from(Map.of("NEXUS_PUBLIC_URL", "ftp://x")))
        .hasMessage("NEXUS_PUBLIC_URL=ftp://x must be an absolute http or https URL");
    assertThatThrownBy(() -> ServerSettings.from(Map.of("NEXUS_DATABASE_URL", "mysql://x")))
        .hasMessage("NEXUS_DATABASE_URL=mysql://x must be a jdbc:postgresql: URL");
    assertThatThrownBy(() -> ServerSettings.from(Map.of("NEXUS_GOOGLE_CLIENT_ID", "id")))
        .hasMessage("NEXUS_GOOGLE_CLIENT_SECRET must be set with NEXUS_GOOGLE_CLIENT_ID");
    assertThatThrownBy(() -> ServerSettings.from(Map.of("NEXUS_PRODUCTION", "maybe")))
        .hasMessage("NEXUS_PRODUCTION=maybe must be true or false");
    assertThatThrownBy(() -> ServerSettings.from(Map.of("NEXUS_MAX_BODY_BYTES", "10")))
        .hasMessage("NEXUS_MAX_BODY_BYTES=10 must be a whole number from 1024 to 16777216");
    assertThatThrownBy(() -> ServerSettings.from(Map.of("NEXUS_AUTHORIZATION", "fga")))
        .hasMessage("NEXUS_AUTHORIZATION=fga must be one of embedded, openfga, sandbox");
    assertThatThrownBy(() -> ServerSettings.from(Map.of("NEXUS_GEMINI_TIMEOUT", "soon")))
        .hasMessageStartingWith("NEXUS_GEMINI_TIMEOUT=soon must be a positive duration");
  }

  @Test
  void badValues_withSpacesOrCredentials_areShownQuotedAndWithoutTheCredentials() {
    assertThatThrownBy(
            () ->
                ServerSettings.from(
                    Map.of(
                        "NEXUS_GOOGLE_CLIENT_ID", "my client", "NEXUS_GOOGLE_CLIENT_SECRET", "s")))
        .hasMessage(
            "NEXUS_GOOGLE_CLIENT_ID=\"my client\" must be a single word without spaces, tabs or"
                + " line breaks");
    assertThatThrownBy(
            () ->
                ServerSettings.from(
                    Map.of("NEXUS_DATABASE_URL", "mysql://db/x?user=a&password=hunter2")))
        .hasMessage("NEXUS_DATABASE_URL=mysql://db/x?... must be a jdbc:postgresql: URL");
    assertThatThrownBy(
            () -> ServerSettings.from(Map.of("NEXUS_GEMINI_BASE_URL", "ftp://me:hunter2@proxy/")))
        .hasMessage("NEXUS_GEMINI_BASE_URL=ftp://...@proxy/ must be an absolute http or https URL");
  }

  @Test
  void badSecrets_areRefusedNamingTheVariableButNeverTheValue() {
    String secret = "s3cr3t value\n";
    List<Map<String, String>> environments =
        List.of(
            Map.of("NEXUS_GEMINI_API_KEY", secret),
            Map.of("NEXUS_GOOGLE_CLIENT_ID", "id", "NEXUS_GOOGLE_CLIENT_SECRET", secret),
            Map.of("NEXUS_NOTION_CLIENT_ID", "id", "NEXUS_NOTION_CLIENT_SECRET", secret),
            Map.of(
                "NEXUS_OPENFGA_API_URL", "http://fga:8080",
                "NEXUS_OPENFGA_STORE_ID", "store",
                "NEXUS_OPENFGA_API_TOKEN", secret),
            Map.of(
                "NEXUS_OPENFGA_API_URL", "http://fga:8080",
                "NEXUS_OPENFGA_STORE_ID", "store",
                "NEXUS_OPENFGA_CLIENT_ID", "client",
                "NEXUS_OPENFGA_CLIENT_SECRET", secret,
                "NEXUS_OPENFGA_TOKEN_ISSUER", "auth.fga.dev",
                "NEXUS_OPENFGA_AUDIENCE", "https://api.us1.fga.dev/"));

    for (Map<String, String> env : environments) {
      String name =
          env.entrySet().stream()
              .filter(e -> e.getValue().equals(secret))
              .findFirst()
              .orElseThrow()
              .getKey();
      assertThatThrownBy(() -> ServerSettings.from(env))
          .isInstanceOf(ConfigurationException.class)
          .hasMessage(
              name
                  + " must be a single word without spaces, tabs or line breaks (its value is not"
                  + " shown: it is a secret)")
          .hasMessageNotContaining("s3cr3t");
    }
  }

  @Test
  void everySecret_isNamedButNeverShown_whateverItIsRefusedFor() {
    for (String name : ServerSettings.SECRETS) {
      Env env = new Env(Map.of(name, "hunter2"), ServerSettings.VARIABLES, ServerSettings.SECRETS);

      assertThat(env.invalid(name, "something else"))
          .hasMessageStartingWith(name + " must be something else")
          .hasMessageContaining("it is a secret")
          .hasMessageNotContaining("hunter2");
    }
    assertThat(ServerSettings.VARIABLES).containsAll(ServerSettings.SECRETS);
  }

  @Test
  void readingAnUnknownName_isAProgrammingError() {
    Env env = new Env(Map.of(), ServerSettings.VARIABLES, ServerSettings.SECRETS);

    assertThatThrownBy(() -> env.optional("NEXUS_AUTH0_MANAGEMENT_CLIENT_ID"))
        .isInstanceOf(IllegalArgumentException.class);
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

  private static Map<String, String> production() {
    Map<String, String> env = new HashMap<>();
    env.put("NEXUS_PRODUCTION", "true");
    env.put("NEXUS_PUBLIC_URL", "https://nexus.acme.example");
    env.put("NEXUS_DATABASE_URL", "jdbc:postgresql://db:5432/nexus");
    env.put("NEXUS_DATABASE_USER", "nexus_app");
    env.put("NEXUS_VAULT_KEYSET_FILE", "/etc/nexus/keyset.json");
    env.put("NEXUS_AUTH0_DOMAIN", "acme.eu.auth0.com");
    env.put("NEXUS_AUTH0_AUDIENCE", "https://api.acme.example");
    env.put("NEXUS_AUTHORIZATION", "embedded");
    env.put("NEXUS_GEMINI_API_KEY", "key");
    return env;
  }

  @Test
  void production_withEveryPartConfigured_isAccepted() {
    ServerSettings settings = ServerSettings.from(production());

    assertThat(settings.sandboxParts()).isEmpty();
    assertThat(settings.host()).isEqualTo("0.0.0.0");
    assertThat(settings.embeddedAuthorization()).isTrue();
    assertThat(settings.publicUrl()).contains(URI.create("https://nexus.acme.example"));
  }

  @Test
  void production_withoutAPublicUrl_isRefused() {
    Map<String, String> env = production();
    env.remove("NEXUS_PUBLIC_URL");

    assertThatThrownBy(() -> ServerSettings.from(env))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("NEXUS_PUBLIC_URL must be set when NEXUS_PRODUCTION is true")
        .hasMessageContaining("OAuth callbacks");
    env.put("NEXUS_PUBLIC_URL", "   ");
    assertThatThrownBy(() -> ServerSettings.from(env))
        .hasMessageStartingWith("NEXUS_PUBLIC_URL must be set when NEXUS_PRODUCTION is true");
  }

  @Test
  void production_withAPlainHttpPublicUrl_isRefused() {
    Map<String, String> env = production();
    env.put("NEXUS_PUBLIC_URL", "http://nexus.acme.example");

    assertThatThrownBy(() -> ServerSettings.from(env))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "NEXUS_PUBLIC_URL=http://nexus.acme.example must be an https URL when"
                + " NEXUS_PRODUCTION is true");
  }

  @Test
  void aSettingWithoutTheOneItBelongsTo_isRefused_namingBoth() {
    Map<String, String> cases =
        Map.of(
            "NEXUS_DATABASE_PASSWORD", "NEXUS_DATABASE_URL",
            "NEXUS_DATABASE_OWNER_USER", "NEXUS_DATABASE_URL",
            "NEXUS_AUTH0_AUDIENCE", "NEXUS_AUTH0_DOMAIN",
            "NEXUS_AUTH0_SPA_CLIENT_ID", "NEXUS_AUTH0_DOMAIN",
            "NEXUS_OPENFGA_STORE_ID", "NEXUS_OPENFGA_API_URL",
            "NEXUS_OPENFGA_CLIENT_SECRET", "NEXUS_OPENFGA_API_URL");
    cases.forEach(
        (alone, needed) ->
            assertThatThrownBy(() -> ServerSettings.from(Map.of(alone, "value")))
                .as(alone)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(alone + " is set but " + needed + " is not")
                .hasMessageNotContaining("value"));
    assertThat(ServerSettings.from(Map.of("NEXUS_GEMINI_MODEL", "gemini-2.5-pro")).gemini().model())
        .as("the Gemini settings also serve callers' own keys, so they stand alone")
        .isEqualTo("gemini-2.5-pro");
  }

  @Test
  void publicUrl_mustBeAnAbsoluteHttpUrlToAppendPathsTo() {
    for (String value :
        new String[] {"nexus.acme.example", "localhost:8080", "https://", "https://x/?a=b", "/x"}) {
      assertThatThrownBy(() -> ServerSettings.from(Map.of("NEXUS_PUBLIC_URL", value)))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageStartingWith("NEXUS_PUBLIC_URL=")
          .hasMessageContaining("must be an absolute http or https URL");
    }
    assertThat(ServerSettings.from(Map.of("NEXUS_PUBLIC_URL", "http://10.0.0.5:8080")).publicUrl())
        .contains(URI.create("http://10.0.0.5:8080"));
  }

  @Test
  void blankKeyset_isTheSandboxKeyset_asTheVaultSeesIt() {
    Map<String, String> blank = Map.of(VaultKeys.KEYSET_ENV, "  \n");

    ServerSettings settings = ServerSettings.from(blank);

    assertThat(VaultKeys.isConfigured(blank)).isFalse();
    assertThat(settings.sandboxParts()).anyMatch(part -> part.startsWith("token keyset"));
    Map<String, String> env = production();
    env.remove(VaultKeys.KEYSET_FILE_ENV);
    env.put(VaultKeys.KEYSET_ENV, " ");
    assertThatThrownBy(() -> ServerSettings.from(env))
        .hasMessageStartingWith("NEXUS_PRODUCTION is true but these parts are still the sandbox's")
        .hasMessageContaining("token keyset");
  }

  @Test
  void bothKeysetVariables_areRefusedBeforeAnythingStarts() {
    Map<String, String> env = production();
    env.put(VaultKeys.KEYSET_ENV, "{\"primaryKeyId\": 1}");

    assertThatThrownBy(() -> ServerSettings.from(env))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "NEXUS_VAULT_KEYSET must be unset when NEXUS_VAULT_KEYSET_FILE is set (set only one of"
                + " them)");
  }

  @Test
  void openFgaClientCredentials_needIssuerAudienceAndSecret() {
    Map<String, String> env = new HashMap<>();
    env.put("NEXUS_OPENFGA_API_URL", "https://api.us1.fga.dev");
    env.put("NEXUS_OPENFGA_STORE_ID", "store");
    env.put("NEXUS_OPENFGA_CLIENT_ID", "client");
    env.put("NEXUS_OPENFGA_CLIENT_SECRET", "secret");
    env.put("NEXUS_OPENFGA_AUDIENCE", "https://api.us1.fga.dev/");

    assertThatThrownBy(() -> ServerSettings.from(env))
        .hasMessage("NEXUS_OPENFGA_TOKEN_ISSUER must be set with NEXUS_OPENFGA_CLIENT_ID");
    env.put("NEXUS_OPENFGA_API_TOKEN", "token");
    assertThat(ServerSettings.from(env).openFga().orElseThrow().apiToken()).contains("token");
  }

  @Test
  void databaseToString_leavesOutTheUrlsQuery() {
    ServerSettings settings =
        ServerSettings.from(
            Map.of(
                "NEXUS_DATABASE_URL",
                "jdbc:postgresql://db/nexus?password=hunter2",
                "NEXUS_DATABASE_USER",
                "app"));

    assertThat(settings.database().orElseThrow().toString())
        .contains("jdbc:postgresql://db/nexus?...")
        .doesNotContain("hunter2");
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
        .hasMessage(
            "NEXUS_AUTH0_DOMAIN=http://127.0.0.1:4711/ must be an https tenant when"
                + " NEXUS_PRODUCTION is true");
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
          .hasMessageStartingWith(
              "NEXUS_AUTH0_DOMAIN="
                  + (value.contains(" ") ? "\"" + value + "\"" : value)
                  + " must be a host name such as");
    }
  }
}
