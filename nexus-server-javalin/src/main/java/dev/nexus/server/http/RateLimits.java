package dev.nexus.server.http;

import dev.nexus.agent.CallLimiter;
import dev.nexus.core.identity.Principal;
import dev.nexus.core.tool.ToolSpec;
import dev.nexus.server.ServerSettings;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets (Bucket4j) per user and per organization, for chat turns and for write tool calls.
 * Buckets live in this process: with several nodes each node enforces its own share.
 */
final class RateLimits implements CallLimiter {

  private final ServerSettings.Limits limits;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  RateLimits(ServerSettings.Limits limits) {
    this.limits = limits;
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
        buckets.computeIfAbsent(
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
