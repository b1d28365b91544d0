package dev.nexus.server.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.nexus.agent.CallLimiter;
import dev.nexus.core.identity.Principal;
import dev.nexus.core.tool.ToolSpec;
import dev.nexus.server.ServerSettings;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Optional;

/**
 * Token buckets (Bucket4j) per user and per organization, for chat turns and for write tool calls.
 * Buckets live in this process: with several nodes each node enforces its own share.
 *
 * <p>Every bucket holds at most one minute of tokens and refills in one minute, so a bucket left
 * alone for {@link #IDLE_EVICTION} is full again and no different from a new one: such buckets are
 * dropped, which keeps the map as large as the set of recently active users, not every user ever
 * seen.
 */
final class RateLimits implements CallLimiter {

  /** How long a bucket is kept without use; longer than its refill time of one minute. */
  static final Duration IDLE_EVICTION = Duration.ofMinutes(2);

  private final ServerSettings.Limits limits;
  private final Cache<String, Bucket> buckets;

  RateLimits(ServerSettings.Limits limits) {
    this(limits, Ticker.systemTicker());
  }

  /** With the clock that times idleness (tests move it by hand). */
  RateLimits(ServerSettings.Limits limits, Ticker ticker) {
    this.limits = limits;
    this.buckets = Caffeine.newBuilder().expireAfterAccess(IDLE_EVICTION).ticker(ticker).build();
  }

  /** How many buckets are held now, after dropping the idle ones. */
  long heldBuckets() {
    buckets.cleanUp();
    return buckets.estimatedSize();
  }

  /**
   * Counts one chat turn for the principal and their organization.
   *
   * @throws ApiProblem 429 with Retry-After when either bucket is empty
   */
  void admitTurn(Principal principal) {
    take(
            "turn-user:" + principal.organization() + "/" + principal.user(),
            limits.turnsPerUserPerMinute())
        .ifPresent(
            wait -> {
              throw ApiProblem.tooManyRequests(
                  "you have started too many chat turns; wait a moment", wait);
            });
    take("turn-org:" + principal.organization(), limits.turnsPerOrganizationPerMinute())
        .ifPresent(
            wait -> {
              throw ApiProblem.tooManyRequests(
                  "your organization has started too many chat turns; wait a moment", wait);
            });
  }

  @Override
  public Optional<String> admit(Principal principal, ToolSpec tool) {
    if (!tool.risk().needsApproval()) {
      return Optional.empty();
    }
    Optional<Duration> user =
        take(
            "write-user:" + principal.organization() + "/" + principal.user(),
            limits.writesPerUserPerMinute());
    if (user.isPresent()) {
      return Optional.of(
          "You have proposed too many changes in the last minute; try again in "
              + Math.max(1, user.get().toSeconds())
              + " seconds.");
    }
    Optional<Duration> org =
        take("write-org:" + principal.organization(), limits.writesPerOrganizationPerMinute());
    return org.map(
        wait ->
            "Your organization has proposed too many changes in the last minute; try again in "
                + Math.max(1, wait.toSeconds())
                + " seconds.");
  }

  /** Takes one token; empty when granted, else how long until one is available. */
  private Optional<Duration> take(String key, int perMinute) {
    Bucket bucket =
        buckets.get(
            key,
            k ->
                Bucket.builder()
                    .addLimit(
                        Bandwidth.builder()
                            .capacity(perMinute)
                            .refillGreedy(perMinute, Duration.ofMinutes(1))
                            .build())
                    .build());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    return probe.isConsumed()
        ? Optional.empty()
        : Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
  }
}
