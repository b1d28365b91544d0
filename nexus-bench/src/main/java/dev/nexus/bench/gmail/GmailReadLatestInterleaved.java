package dev.nexus.bench.gmail;

import java.util.Arrays;
import java.util.Locale;

/**
 * The comparison of {@link GmailReadLatestBenchmark} with the two arms interleaved call by call
 * (alternating which goes first), so that load from elsewhere on the machine falls on both alike.
 * JMH runs its arms one after the other; on a shared machine that shows up as a difference between
 * them. Prints p50 and p90 of each arm, the ratio of the p50s, and the median of the per-pair
 * ratios.
 *
 * <p>Run: {@code java -Dsun.net.httpserver.nodelay=true -cp nexus-bench/target/benchmarks.jar
 * dev.nexus.bench.gmail.GmailReadLatestInterleaved [pairs]}
 */
public final class GmailReadLatestInterleaved {

  private GmailReadLatestInterleaved() {}

  public static void main(String[] args) throws Exception {
    int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    GmailReadLatestBenchmark bench = new GmailReadLatestBenchmark();
    bench.setUp();
    try {
      for (int i = 0; i < 500; i++) {
        bench.connector();
        bench.directClient();
      }
      long[] connector = new long[pairs];
      long[] direct = new long[pairs];
      double[] ratios = new double[pairs];
      for (int i = 0; i < pairs; i++) {
        if (i % 2 == 0) {
          connector[i] = time(bench::connector);
          direct[i] = time(bench::directClient);
        } else {
          direct[i] = time(bench::directClient);
          connector[i] = time(bench::connector);
        }
        ratios[i] = (double) connector[i] / direct[i];
      }
      Arrays.sort(connector);
      Arrays.sort(direct);
      Arrays.sort(ratios);
      System.out.printf(
          Locale.ROOT,
          "pairs=%d connector p50=%d us p90=%d us; direct p50=%d us p90=%d us;"
              + " ratio of p50s=%.3f; median paired ratio=%.3f%n",
          pairs,
          connector[pairs / 2] / 1_000,
          connector[pairs * 9 / 10] / 1_000,
          direct[pairs / 2] / 1_000,
          direct[pairs * 9 / 10] / 1_000,
          (double) connector[pairs / 2] / direct[pairs / 2],
          ratios[pairs / 2]);
    } finally {
      bench.tearDown();
    }
  }

  private static long time(Runnable call) {
    long started = System.nanoTime();
    call.run();
    return System.nanoTime() - started;
  }
}
