package dev.nexus.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nexus.testkit.auth0.FakeAuth0Server;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A server whose identity is an Auth0 tenant (the testkit's fake on loopback http): what {@code
 * /config.json} tells the browser, and the Content-Security-Policy that lets the page exchange its
 * login code at that tenant and nowhere else.
 */
class ClientConfigTest {

  static final String AUDIENCE = "https://api.nexus.test/";

  static final StartedService<FakeAuth0Server> tenant =
      new StartedService<>(FakeAuth0Server::start);

  @RegisterExtension
  static final SandboxExtension sandbox =
      SandboxExtension.signingInAt(tenant, AUDIENCE, "nexus-web");

  @Test
  void configJson_namesTheTenantsBaseUrl_audienceAndSpaClient() {
    TestServer.Response response = sandbox.nexus().get("/config.json", null);

    assertThat(response.status()).isEqualTo(200);
    JsonNode config = response.json();
    assertThat(config.get("mode").asText()).isEqualTo("production");
    JsonNode auth0 = config.get("auth0");
    assertThat(auth0.get("base_url").asText()).isEqualTo(tenant.get().baseUrl());
    assertThat(auth0.get("domain").asText()).isEqualTo("127.0.0.1:" + tenant.get().port());
    assertThat(auth0.get("audience").asText()).isEqualTo(AUDIENCE);
    assertThat(auth0.get("client_id").asText()).isEqualTo("nexus-web");
  }

  @Test
  void contentSecurityPolicy_connectsToThisServerAndExactlyTheTenantsOrigin() {
    String policy = sandbox.nexus().get("/", null).header("Content-Security-Policy");

    assertThat(policy).contains("; connect-src 'self' " + tenant.get().baseUrl() + ";");
    assertThat(policy).contains("script-src 'self';").doesNotContain("unsafe");
  }

  @Test
  void sandboxTokenRoute_isGone_andTheTenantsTokensAreAccepted() {
    // given a token the tenant issued for the configured audience
    String token = tenant.get().token().subject("auth0|ada").audience(AUDIENCE).sign();

    // when it calls the API, then the server accepts it (through the http base URL's key set)
    TestServer.Response me = sandbox.nexus().get("/api/me", token);
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().get("user").asText()).isEqualTo("auth0|ada");

    // and no sandbox tokens can be minted on this server
    assertThat(
            sandbox.nexus().post("/sandbox/token", null, Map.of("email", "x@example.com")).status())
        .isEqualTo(404);
  }
}
