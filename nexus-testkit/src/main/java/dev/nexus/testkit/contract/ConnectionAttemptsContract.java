package dev.nexus.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ConnectionAttempts} must do: hand out states that name nothing and cannot be
 * altered, give an attempt back once, to the first taker of many racing ones, only for its own
 * provider, and forget expired attempts.
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

  private static ConnectionAttempt attempt(ProviderId provider) {
    return new ConnectionAttempt(
        new GrantKey(
            OrganizationId.of(Unique.id("org")), UserId.of(Unique.id("auth0|user")), provider),
        Pkce.newVerifier(),
        T0.plus(TTL));
  }

  @Test
  void begin_thenTake_returnsTheAttempt_once() {
    ConnectionAttempt attempt = attempt(ProviderId.GMAIL);
    String state = attempts.begin(attempt, T0);

    assertThat(state).hasSizeLessThanOrEqualTo(512).matches("[A-Za-z0-9_.~-]+");
    assertThat(attempts.take(state, ProviderId.GMAIL)).contains(attempt);
    assertThat(attempts.take(state, ProviderId.GMAIL)).isEmpty();
  }

  @Test
  void eachBegin_handsOutAnotherState_namingItsOwnAttempt() {
    ConnectionAttempt a = attempt(ProviderId.GMAIL);
    ConnectionAttempt b = attempt(ProviderId.GMAIL);
    String first = attempts.begin(a, T0);
    String second = attempts.begin(b, T0);

    assertThat(first).isNotEqualTo(second);
    assertThat(attempts.take(second, ProviderId.GMAIL)).contains(b);
    assertThat(attempts.take(first, ProviderId.GMAIL)).contains(a);
  }

  @Test
  void aState_revealsNeitherTheUserNorTheOrganizationNorTheVerifier() {
    ConnectionAttempt attempt = attempt(ProviderId.GMAIL);
    String state = attempts.begin(attempt, T0);

    assertThat(state)
        .doesNotContain(attempt.key().user().value())
        .doesNotContain(attempt.key().organization().value())
        .doesNotContain(attempt.verifier());
  }

  @Test
  void take_forAnotherProvider_isEmpty_andLeavesTheAttempt() {
    ConnectionAttempt attempt = attempt(ProviderId.NOTION);
    String state = attempts.begin(attempt, T0);

    assertThat(attempts.take(state, ProviderId.GMAIL)).isEmpty();
    assertThat(attempts.take(state, ProviderId.NOTION)).contains(attempt);
  }

  @Test
  void take_ofAnUnknownMissingOrAlteredState_isEmpty_andLeavesTheAttempt() {
    ConnectionAttempt attempt = attempt(ProviderId.GMAIL);
    String state = attempts.begin(attempt, T0);

    assertThat(attempts.take(null, ProviderId.GMAIL)).isEmpty();
    assertThat(attempts.take("", ProviderId.GMAIL)).isEmpty();
    assertThat(attempts.take("not a state", ProviderId.GMAIL)).isEmpty();
    assertThat(attempts.take(state + "A", ProviderId.GMAIL)).isEmpty();
    assertThat(attempts.take(state.substring(1), ProviderId.GMAIL)).isEmpty();
    for (int i = 0; i < state.length(); i++) {
      char c = state.charAt(i);
      String altered = state.substring(0, i) + (c == 'A' ? 'B' : 'A') + state.substring(i + 1);
      assertThat(attempts.take(altered, ProviderId.GMAIL)).as("changed at %d", i).isEmpty();
    }
    assertThat(attempts.take(state, ProviderId.GMAIL)).contains(attempt);
  }

  @Test
  void anExpiredAttempt_isReturnedUntilForgotten_andBeginForgetsIt() {
    ConnectionAttempt expired = attempt(ProviderId.GMAIL);
    String kept = attempts.begin(expired, T0);
    String forgotten = attempts.begin(attempt(ProviderId.GMAIL), T0);

    assertThat(attempts.take(kept, ProviderId.GMAIL)).contains(expired);

    attempts.begin(attempt(ProviderId.GMAIL), T0.plus(TTL).plusSeconds(1));
    assertThat(attempts.take(forgotten, ProviderId.GMAIL)).isEmpty();
  }

  @Test
  void racingTakers_exactlyOneGetsTheAttempt() {
    for (int round = 0; round < RACE_ROUNDS; round++) {
      ConnectionAttempt attempt = attempt(ProviderId.GMAIL);
      String state = attempts.begin(attempt, T0);

      List<Optional<ConnectionAttempt>> results =
          Concurrently.run(RACERS, i -> attempts.take(state, ProviderId.GMAIL));

      assertThat(results).filteredOn(Optional::isPresent).hasSize(1);
      assertThat(results).filteredOn(Optional::isPresent).first().isEqualTo(Optional.of(attempt));
    }
  }
}
