package dev.nexus.bench.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A smoke run of the load driver's in-process part with two users and two turns each: it checks the
 * driver produces sane numbers, not how fast anything is (that is the benchmark's job).
 */
class LoadDriverTest {

  @TempDir Path work;

  @Test
  void runInProcess_twoUsersTwoTurns_splitsEveryTurnIntoOwnModelAndProviderTime() throws Exception {
    // given
    LoadDriver.Config config =
        new LoadDriver.Config(
            2,
            1,
            10,
            4,
            Duration.ofSeconds(60),
            0.5,
            4,
            Duration.ofSeconds(60),
            Duration.ofSeconds(60),
            Duration.ofSeconds(1),
            true,
            0,
            "",
            Path.of("missing.jar"),
            work);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    LoadDriver driver = new LoadDriver(config, new PrintStream(log, true, StandardCharsets.UTF_8));

    // when
    LoadDriver.InProcess result = driver.runInProcess();
    driver.printInProcess(result);

    // then
    LoadDriver.Phase turns = result.saturatedTurns();
    assertThat(turns.errors()).isZero();
    assertThat(turns.samples()).hasSize(4);
    assertThat(turns.perSecond()).isPositive();
    for (LoadDriver.Sample sample : turns.samples()) {
      assertThat(sample.modelNanos()).isPositive();
      assertThat(sample.providerNanos()).isPositive();
      assertThat(sample.ownNanos()).isPositive();
      assertThat(sample.fromAuthNanos()).isLessThanOrEqualTo(sample.totalNanos());
      assertThat(sample.ownFromAuthNanos()).isPositive();
      assertThat(sample.serverNanos()).isPositive().isLessThanOrEqualTo(sample.totalNanos());
      assertThat(sample.ownServerSideNanos()).isPositive();
    }
    assertThat(result.saturatedBare().samples()).hasSize(16);
    assertThat(result.saturatedBare().errors()).isZero();
    assertThat(result.pacedTurns().samples()).hasSize(4);
    assertThat(result.pacedBare().samples()).hasSize(4);
    assertThat(result.sseTurns()).isEqualTo(4);
    assertThat(result.sseRelay().count()).isGreaterThanOrEqualTo(4);
    assertThat(result.sseRelay().p50Ms()).isPositive();
    assertThat(result.sseServerRelay().count()).isEqualTo(result.sseRelay().count());
    assertThat(result.bareServerSide().count()).isEqualTo(4);
    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains("OWN = round trip - model - provider")
        .contains("SSE relay of a model delta")
        .contains("OWN = server time - model - provider")
        .contains("paced warm-up turns: ")
        .contains("besides the load: JIT compiling ")
        .contains("autovacuum or autoanalyze run(s) ended");
  }
}
