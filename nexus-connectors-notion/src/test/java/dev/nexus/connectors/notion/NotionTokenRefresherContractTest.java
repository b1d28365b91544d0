package dev.nexus.connectors.notion;

import dev.nexus.core.vault.Secret;
import dev.nexus.core.vault.TokenRefresher;
import dev.nexus.testkit.contract.TokenRefresherContract;
import dev.nexus.testkit.notion.FakeNotionServer;
import dev.nexus.testkit.notion.Fault;
import dev.nexus.testkit.notion.NotionWorkspace;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;

/**
 * Notion's OAuth provider passes the refresher contract against the fake's token endpoint, where
 * every refresh rotates the refresh token and uses up the old one.
 */
class NotionTokenRefresherContractTest extends TokenRefresherContract {

  private final FakeNotionServer server = FakeNotionServer.start();
  private final NotionWorkspace workspace = server.createWorkspace("Acme Contract");

  @AfterEach
  void tearDown() {
    server.close();
  }

  @Override
  protected TokenRefresher createRefresher() {
    return new NotionOAuthProvider(
        NotionSettings.atBase(
            URI.create(server.baseUrl()),
            FakeNotionServer.CLIENT_ID,
            Secret.of(FakeNotionServer.CLIENT_SECRET)));
  }

  @Override
  protected Secret liveRefreshToken() {
    return Secret.of(server.issueTokens(workspace).refreshToken());
  }

  @Override
  protected Secret refusedRefreshToken() {
    return Secret.of("never-issued-refresh-token");
  }

  @Override
  protected boolean providerAccepts(Secret accessToken) {
    return server.accepts(accessToken.reveal());
  }

  @Override
  protected void failNextRequestAsAnOutage() {
    server.fail("POST", "/v1/oauth/token", Fault.unavailable());
  }
}
