package dev.nexus.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Principal;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import dev.nexus.server.ServerSettings;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The buckets are kept while they matter and dropped once they would be full again. */
class RateLimitsTest {

  private final AtomicLong nanos = new AtomicLong();
  private final Ticker ticker = nanos::get;
  private final RateLimits limits = withTurnsPerUser(2);

  private RateLimits withTurnsPerUser(int perMinute) {
    return new RateLimits(
        new ServerSettings.Limits(perMinute, 1_000, 10, 100, 3, 8, Duration.ofHours(1)), ticker);
  }

  private static Principal member(String user, String organization) {
    return new Principal(UserId.of(user), OrganizationId.of(organization), Role.MEMBER);
  }

  @Test
  void aUsersThirdTurnInAMinute_isRefusedWithTheWait() {
    Principal ann = member("auth0|ann", "org-a");
    limits.admitTurn(ann);
    limits.admitTurn(ann);

    assertThatThrownBy(() -> limits.admitTurn(ann))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            problem -> {
              assertThat(problem.status()).isEqualTo(429);
              assertThat(problem.retryAfter())
                  .isPositive()
                  .isLessThanOrEqualTo(Duration.ofMinutes(1));
            });
  }

  @Test
  void buckets_areOnePerUserAndOnePerOrganization_andGoAfterTwoIdleMinutes() {
    for (int i = 0; i < 50; i++) {
      limits.admitTurn(member("auth0|user-" + i, "org-a"));
    }
    limits.admitTurn(member("auth0|bob", "org-b"));
    assertThat(limits.heldBuckets()).isEqualTo(50 + 1 + 1 + 1);

    nanos.addAndGet(RateLimits.IDLE_EVICTION.toNanos() + 1);

    assertThat(limits.heldBuckets()).isZero();
  }

  @Test
  void anEmptiedBucket_isKeptWhileItIsStillRefilling() {
    Principal ann = member("auth0|ann", "org-a");
    limits.admitTurn(ann);
    limits.admitTurn(ann);

    nanos.addAndGet(RateLimits.IDLE_EVICTION.minusSeconds(1).toNanos());

    // Bucket4j's own clock has barely moved, so the bucket is still empty; had it been dropped
    // early, a new full bucket would have let this turn through.
    assertThatThrownBy(() -> limits.admitTurn(ann)).isInstanceOf(ApiProblem.class);
    assertThat(limits.heldBuckets()).isEqualTo(2);
  }

  @Test
  void aBucketInUse_isNotDropped() {
    RateLimits roomy = withTurnsPerUser(100);
    Principal ann = member("auth0|ann", "org-a");
    for (int step = 0; step < 5; step++) {
      roomy.admitTurn(ann);
      nanos.addAndGet(Duration.ofSeconds(90).toNanos());
      assertThat(roomy.heldBuckets()).isEqualTo(2);
    }
  }
}
