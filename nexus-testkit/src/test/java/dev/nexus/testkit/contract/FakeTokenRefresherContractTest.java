package dev.nexus.testkit.contract;

import dev.nexus.core.vault.ProviderId;
import dev.nexus.core.vault.Secret;
import dev.nexus.core.vault.TokenRefresher;
import dev.nexus.testkit.MutableClock;
import java.time.Clock;
import org.junit.jupiter.api.Nested;

/**
 * The fake refresher the vault contracts rely on passes the refresher contract, both keeping and
 * rotating refresh tokens.
 */
class FakeTokenRefresherContractTest {

  /** The contract over a fake in {@code mode}. */
  abstract static class Base extends TokenRefresherContract {
    final MutableClock clock = new MutableClock();
    FakeTokenRefresher fake;

    abstract FakeTokenRefresher.Mode mode();

    @Override
    protected TokenRefresher createRefresher() {
      fake = new FakeTokenRefresher(ProviderId.GMAIL, clock).answer(mode());
      return fake;
    }

    @Override
    protected Secret liveRefreshToken() {
      return Secret.of("rt-live");
    }

    @Override
    protected Secret refusedRefreshToken() {
      fake.answerNext(FakeTokenRefresher.Mode.INVALID_GRANT);
      return Secret.of("rt-revoked");
    }

    @Override
    protected boolean providerAccepts(Secret accessToken) {
      return fake.hasIssued(accessToken);
    }

    @Override
    protected void failNextRequestAsAnOutage() {
      fake.answerNext(FakeTokenRefresher.Mode.UNAVAILABLE);
    }

    @Override
    protected Clock clock() {
      return clock;
    }
  }

  @Nested
  class Keeping extends Base {
    @Override
    FakeTokenRefresher.Mode mode() {
      return FakeTokenRefresher.Mode.ISSUE;
    }
  }

  @Nested
  class Rotating extends Base {
    @Override
    FakeTokenRefresher.Mode mode() {
      return FakeTokenRefresher.Mode.ROTATE;
    }
  }
}
