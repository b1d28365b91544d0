package dev.nexus.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.error.ConflictException;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.vault.ConnectionAttempt;
import dev.nexus.core.vault.ConnectionAttempts;
import dev.nexus.core.vault.GrantKey;
import dev.nexus.core.vault.Pkce;
import dev.nexus.core.vault.ProviderId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ConnectionAttempts} must do: give an attempt back once, to the first taker of
 * many racing ones, only for its own provider, and forget expired attempts.
 */
public abstract class ConnectionAttemptsContract {

  /** How many times the race is run. */
  protected static final int RACE_ROUNDS = 100;

  /** How many threads race in each round. */
  protected static final int RACERS = 8;

  private static final Instant T0 = Instant.parse("2026-12-04T09:00:00Z");
  private static final Duration TTL = Duration.ofMinutes(10);

  private ConnectionAttempts attempts;

  /** The attempts for one test (they may share storage with other tests). */
  protected abstract ConnectionAttempts createAttempts();

  @BeforeEach
  void setUp() {
    attempts = createAttempts();
  }

  private static String newState() {
    return "state-" + UUID.randomUUID();
  }

  private static ConnectionAttempt attempt(ProviderId provider) {
    return new ConnectionAttempt(
        new GrantKey(
            OrganizationId.of(Unique.id("org")), UserId.of(Unique.id("auth0|user")), provider),
        Pkce.newVerifier(),
        T0.plus(TTL));
  }

  @Test
  void begin_thenTake_returnsTheAttempt_once() {
    String state = newState();
    ConnectionAttempt attempt = attempt(ProviderId.GMAIL);
    attempts.begin(state, attempt, T0);

    assertThat(attempts.take(state, ProviderId.GMAIL)).contains(attempt);
    assertThat(attempts.take(state, ProviderId.GMAIL)).isEmpty();
  }

  @Test
  void take_forAnotherProvider_isEmpty_andLeavesTheAttempt() {
    String state = newState();
    ConnectionAttempt attempt = attempt(ProviderId.NOTION);
    attempts.begin(state, attempt, T0);

    assertThat(attempts.take(state, ProviderId.GMAIL)).isEmpty();
    assertThat(attempts.take(state, ProviderId.NOTION)).contains(attempt);
  }

  @Test
  void take_ofAnUnknownOrMissingState_isEmpty() {
    attempts.begin(newState(), attempt(ProviderId.GMAIL), T0);

    assertThat(attempts.take(newState(), ProviderId.GMAIL)).isEmpty();
    assertThat(attempts.take(null, ProviderId.GMAIL)).isEmpty();
    assertThat(attempts.take("", ProviderId.GMAIL)).isEmpty();
  }

  @Test
  void eachState_givesItsOwnAttempt() {
    String first = newState();
    String second = newState();
    ConnectionAttempt a = attempt(ProviderId.GMAIL);
    ConnectionAttempt b = attempt(ProviderId.GMAIL);
    attempts.begin(first, a, T0);
    attempts.begin(second, b, T0);

    assertThat(attempts.take(second, ProviderId.GMAIL)).contains(b);
    assertThat(attempts.take(first, ProviderId.GMAIL)).contains(a);
  }

  @Test
  void begin_withAStateInUse_isAConflict_andKeepsTheFirstAttempt() {
    String state = newState();
    ConnectionAttempt first = attempt(ProviderId.GMAIL);
    attempts.begin(state, first, T0);

    assertThatThrownBy(() -> attempts.begin(state, attempt(ProviderId.GMAIL), T0))
        .isInstanceOf(ConflictException.class);
    assertThat(attempts.take(state, ProviderId.GMAIL)).contains(first);
  }

  @Test
  void anExpiredAttempt_isReturnedUntilForgotten_andBeginForgetsIt() {
    String kept = newState();
    String forgotten = newState();
    ConnectionAttempt expired = attempt(ProviderId.GMAIL);
    attempts.begin(kept, expired, T0);
    attempts.begin(forgotten, attempt(ProviderId.GMAIL), T0);

    assertThat(attempts.take(kept, ProviderId.GMAIL)).contains(expired);

    attempts.begin(newState(), attempt(ProviderId.GMAIL), T0.plus(TTL).plusSeconds(1));
    assertThat(attempts.take(forgotten, ProviderId.GMAIL)).isEmpty();
  }

  @Test
  void racingTakers_exactlyOneGetsTheAttempt() {
    for (int round = 0; round < RACE_ROUNDS; round++) {
      String state = newState();
      ConnectionAttempt attempt = attempt(ProviderId.GMAIL);
      attempts.begin(state, attempt, T0);

      List<Optional<ConnectionAttempt>> results =
          Concurrently.run(RACERS, i -> attempts.take(state, ProviderId.GMAIL));

      assertThat(results).filteredOn(Optional::isPresent).hasSize(1);
      assertThat(results).filteredOn(Optional::isPresent).first().isEqualTo(Optional.of(attempt));
    }
  }
}
