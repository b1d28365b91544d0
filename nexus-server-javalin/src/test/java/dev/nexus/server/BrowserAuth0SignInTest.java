package dev.nexus.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nexus.testkit.auth0.FakeAuth0Server;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * Production sign-in in a real headless Chromium: the server is configured for an Auth0 tenant (the
 * testkit's fake, on loopback http) instead of the sandbox issuer, and the page goes through
 * Universal Login with the authorization code flow and PKCE, exchanging the code itself.
 */
class BrowserAuth0SignInTest {

  static final String AUDIENCE = "https://api.nexus.test/";
  static final String SPA_CLIENT = "nexus-web";
  static final String ROLE_CLAIM = "https://nexus.test/role";

  static final StartedService<FakeAuth0Server> tenant =
      new StartedService<>(FakeAuth0Server::start);

  @RegisterExtension
  static final SandboxExtension sandbox =
      SandboxExtension.signingInAt(tenant, AUDIENCE, SPA_CLIENT)
          .env(env -> env.put("NEXUS_AUTH0_ROLE_CLAIM", ROLE_CLAIM));

  static BrowserSession browser;
  static String base;

  @BeforeAll
  static void start() {
    Assumptions.assumeTrue(
        BrowserSession.missing().isEmpty(),
        () -> "browser tests skipped: " + BrowserSession.missing().orElse(""));
    base = "http://localhost:" + sandbox.nexus().server.port();
    tenant.get().registerSinglePageApp(SPA_CLIENT, URI.create(base + "/"));
    browser = BrowserSession.start();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
  }

  private static String storedToken() {
    return (String) browser.driver.executeScript("return sessionStorage.getItem('nexus.token');");
  }

  @Test
  void universalLogin_personalWorkspace_landsSignedInAndTheApiAcceptsTheToken() {
    // given a person the tenant will sign in, and the page signed out
    tenant.get().signInAs("auth0|ada", Map.of("email", "ada@example.com"));
    int redeemedBefore = tenant.get().authorizationCodesRedeemed();
    browser.openSignedOut(base);

    // then the page offers Auth0 sign-in, not the sandbox form
    browser.visible("#auth0-box");
    assertThat(browser.driver.findElement(By.id("sandbox-form")).isDisplayed()).isFalse();
    browser.screenshot("10-sign-in-auth0");

    // when she continues to sign in
    browser.driver.findElement(By.id("auth0-login")).click();

    // then the browser went through /authorize with PKCE and came back signed in
    browser.textIn("#whoami", "auth0|ada");
    browser.textIn("#whoami", "personal workspace");
    FakeAuth0Server.AuthorizeRequest login = tenant.get().lastAuthorization().orElseThrow();
    assertThat(login.clientId()).isEqualTo(SPA_CLIENT);
    assertThat(login.redirectUri()).isEqualTo(base + "/");
    assertThat(login.audience()).isEqualTo(AUDIENCE);
    assertThat(login.codeChallengeMethod()).isEqualTo("S256");
    assertThat(login.codeChallenge()).matches("[A-Za-z0-9_-]{43}");
    assertThat(login.organization()).isNull();
    assertThat(tenant.get().authorizationCodesRedeemed()).isEqualTo(redeemedBefore + 1);
    assertThat(browser.driver.getCurrentUrl()).doesNotContain("code=").doesNotContain("state=");
    browser.visible("#view-chat");

    // and the token the page holds is the tenant's, accepted by /api/me
    TestServer.Response me = sandbox.nexus().get("/api/me", storedToken());
    assertThat(me.status()).isEqualTo(200);
    JsonNode body = me.json();
    assertThat(body.get("user").asText()).isEqualTo("auth0|ada");
    assertThat(body.get("role").asText()).isEqualTo("admin");
    assertThat(browser.policyViolations()).isEmpty();

    // when she signs out, then the tenant's logout sends her back to the signed-out page
    browser.driver.findElement(By.id("sign-out")).click();
    browser
        .waiting()
        .until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
    browser.visible("#auth0-box");
    assertThat(storedToken()).isNull();
  }

  @Test
  void universalLogin_toAnOrganization_carriesItsIdAndTheRoleClaim() {
    // given an organization of the tenant with grace among its members, as a manager
    String acme = tenant.get().seedOrganization("acme-web", "Acme");
    tenant.get().seedMember(acme, "auth0|grace", "manager");
    tenant.get().signInAs("auth0|grace", Map.of(ROLE_CLAIM, "manager"));
    browser.openSignedOut(base);

    // when she names the organization and signs in
    browser.visible("#auth0-org").sendKeys("acme-web");
    browser.driver.findElement(By.id("auth0-login")).click();

    // then the login asked for that organization and she acts in it with her role
    browser.textIn("#whoami", "auth0|grace · manager · " + acme);
    assertThat(tenant.get().lastAuthorization().orElseThrow().organization()).isEqualTo("acme-web");
    JsonNode me = sandbox.nexus().get("/api/me", storedToken()).json();
    assertThat(me.get("organization").asText()).isEqualTo(acme);
    assertThat(me.get("role").asText()).isEqualTo("manager");
  }

  @Test
  void universalLogin_refusedByTheTenant_saysWhyAndStaysSignedOut() {
    // given an organization linus does not belong to
    tenant.get().seedOrganization("globex-web", "Globex");
    tenant.get().signInAs("auth0|linus", Map.of());
    browser.openSignedOut(base);

    // when he tries to sign in to it
    browser.visible("#auth0-org").sendKeys("globex-web");
    browser.driver.findElement(By.id("auth0-login")).click();

    // then the tenant's reason is shown as a sentence and no token is kept
    browser.textIn("#alert-text", "Sign-in was not completed");
    browser.textIn("#alert-text", "not a member of the organization");
    browser.visible("#auth0-box");
    assertThat(storedToken()).isNull();
    assertThat(browser.driver.getCurrentUrl()).doesNotContain("error=");
  }
}
