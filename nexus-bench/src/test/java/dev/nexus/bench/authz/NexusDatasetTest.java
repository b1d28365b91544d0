package dev.nexus.bench.authz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.authz.local.LocalFgaAuthorizer;
import dev.nexus.core.authorization.Capability;
import dev.nexus.core.authorization.CheckRequest;
import org.junit.jupiter.api.Test;

/** A smoke test of the benchmark's setup on a tiny dataset; the benchmark itself runs apart. */
class NexusDatasetTest {

  @Test
  void load_tenOrganizations_holdsTheirTuplesAndAnswersAsTheModelSays() {
    LocalFgaAuthorizer fga = NexusDataset.load(10);

    assertThat(fga.size()).isEqualTo(10L * NexusDataset.TUPLES_PER_ORGANIZATION);
    assertThat(
            allowed(
                fga,
                CheckRequest.of(
                    NexusDataset.user(3, 2),
                    Capability.SEND_MAIL.relation(),
                    NexusDataset.organization(3))))
        .isTrue();
    assertThat(
            allowed(
                fga,
                CheckRequest.of(
                    NexusDataset.user(3, 9),
                    Capability.SEND_MAIL.relation(),
                    NexusDataset.organization(3))))
        .isFalse();
    assertThat(
            allowed(
                fga,
                CheckRequest.of(NexusDataset.user(3, 2), "can_view", NexusDataset.document(3))))
        .isTrue();
    assertThat(
            allowed(
                fga,
                CheckRequest.of(NexusDataset.user(4, 2), "can_view", NexusDataset.document(3))))
        .isFalse();
  }

  @Test
  void benchmarkSetUp_smallDataset_everyBenchmarkAnswersTrue() {
    AuthorizationBenchmark benchmark = new AuthorizationBenchmark();
    benchmark.organizations = 10;
    benchmark.setUp();
    AuthorizationBenchmark.Cursor cursor = new AuthorizationBenchmark.Cursor();

    assertThat(benchmark.capabilityCheck(cursor).allowed()).isTrue();
    assertThat(benchmark.documentCheck(cursor).allowed()).isTrue();
    assertThat(benchmark.capabilityHashMap(cursor)).isTrue();
    assertThat(benchmark.documentHashMap(cursor)).isTrue();
  }

  private static boolean allowed(LocalFgaAuthorizer fga, CheckRequest request) {
    return fga.check(request).allowed();
  }
}
