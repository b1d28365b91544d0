package dev.nexus.testkit.contract;

import dev.nexus.core.error.RetriableException;
import dev.nexus.core.vault.InvalidGrantException;
import dev.nexus.core.vault.IssuedTokens;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.core.vault.Secret;
import dev.nexus.core.vault.TokenRefresher;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@link TokenRefresher} for tests that counts its calls. Refresh number {@code n} issues the
 * access token {@code access-n} valid for one hour from the clock; when rotating it also issues the
 * refresh token {@code refresh-n}. It can refuse every refresh with {@code invalid_grant}, fail
 * retriably, answer only the next refresh in another way, or hold each call until a latch opens (to
 * widen a race window). Thread-safe.
 */
public final class FakeTokenRefresher implements TokenRefresher {

  /** How the next refreshes answer. */
  public enum Mode {
    /** New access token, the refresh token kept. */
    ISSUE,
    /** New access token and a new refresh token. */
    ROTATE,
    /** {@link InvalidGrantException}, as for a revoked grant. */
    INVALID_GRANT,
    /** {@link RetriableException}, as for a provider that is down. */
    UNAVAILABLE
  }

  private final ProviderId provider;
  private final Clock clock;
  private final List<Secret> received = new ArrayList<>();
  private final List<String> issued = new ArrayList<>();
  private volatile Mode mode = Mode.ISSUE;
  private Mode next;
  private volatile CountDownLatch hold;

  public FakeTokenRefresher(ProviderId provider, Clock clock) {
    this.provider = Objects.requireNonNull(provider, "provider");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Sets how the next refreshes answer; returns this refresher. */
  public FakeTokenRefresher answer(Mode mode) {
    this.mode = Objects.requireNonNull(mode, "mode");
    return this;
  }

  /** Answers only the next refresh as {@code mode}; later ones answer as before. */
  public FakeTokenRefresher answerNext(Mode mode) {
    Objects.requireNonNull(mode, "mode");
    synchronized (received) {
      next = mode;
    }
    return this;
  }

  /** Makes each refresh wait until {@code latch} opens before answering. */
  public FakeTokenRefresher holdUntil(CountDownLatch latch) {
    this.hold = Objects.requireNonNull(latch, "latch");
    return this;
  }

  @Override
  public ProviderId provider() {
    return provider;
  }

  @Override
  public IssuedTokens refresh(Secret refreshToken) {
    Objects.requireNonNull(refreshToken, "refreshToken");
    int n;
    Mode answer;
    synchronized (received) {
      received.add(refreshToken);
      n = received.size();
      answer = next == null ? mode : next;
      next = null;
    }
    waitForHold();
    return switch (answer) {
      case ISSUE -> tokens(n, null);
      case ROTATE -> tokens(n, Secret.of("refresh-" + n));
      case INVALID_GRANT -> throw new InvalidGrantException("the provider refused the grant");
      case UNAVAILABLE -> throw new RetriableException("the provider is unavailable");
    };
  }

  /** How many times {@link #refresh} was called. */
  public int calls() {
    synchronized (received) {
      return received.size();
    }
  }

  /** The refresh tokens received, in call order. */
  public List<String> receivedRefreshTokens() {
    synchronized (received) {
      return received.stream().map(Secret::reveal).toList();
    }
  }

  /** Whether this refresher issued {@code accessToken}. */
  public boolean hasIssued(Secret accessToken) {
    Objects.requireNonNull(accessToken, "accessToken");
    synchronized (received) {
      return issued.contains(accessToken.reveal());
    }
  }

  private IssuedTokens tokens(int n, Secret rotated) {
    synchronized (received) {
      issued.add("access-" + n);
    }
    return new IssuedTokens(
        Secret.of("access-" + n),
        rotated,
        clock.instant().plus(Duration.ofHours(1)),
        Set.of(),
        null);
  }

  private void waitForHold() {
    CountDownLatch latch = hold;
    if (latch == null) {
      return;
    }
    try {
      if (!latch.await(120, TimeUnit.SECONDS)) {
        throw new AssertionError("the held refresh was never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while holding a refresh", e);
    }
  }
}
