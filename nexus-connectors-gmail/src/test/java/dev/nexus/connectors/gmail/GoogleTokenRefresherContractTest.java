package dev.nexus.connectors.gmail;

import dev.nexus.core.vault.Secret;
import dev.nexus.core.vault.TokenRefresher;
import dev.nexus.testkit.contract.TokenRefresherContract;
import dev.nexus.testkit.gmail.FakeGmailServer;
import dev.nexus.testkit.gmail.Fault;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;

/** Google's OAuth provider passes the refresher contract against the fake's token endpoint. */
class GoogleTokenRefresherContractTest extends TokenRefresherContract {

  private final GmailTestbed bed = new GmailTestbed();

  @AfterEach
  void close() {
    bed.close();
  }

  @Override
  protected TokenRefresher createRefresher() {
    return bed.toolkit.googleOAuth();
  }

  @Override
  protected Secret liveRefreshToken() {
    return Secret.of(
        bed.fake.issueGrant("carol@gmail.test", FakeGmailServer.TOOL_SCOPES).refreshToken());
  }

  @Override
  protected Secret refusedRefreshToken() {
    return Secret.of("1//never-issued-refresh-token");
  }

  @Override
  protected boolean providerAccepts(Secret accessToken) {
    return bed.fake.isAccessTokenValid(accessToken.reveal());
  }

  @Override
  protected void failNextRequestAsAnOutage() {
    bed.fake.fail("oauth.token", Fault.unavailable());
  }

  @Override
  protected Clock clock() {
    return bed.clock;
  }
}
