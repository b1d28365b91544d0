package dev.nexus.bench.server;

import java.util.Arrays;
import java.util.Locale;

/** Nearest-rank percentiles of a set of nanosecond samples, reported in milliseconds. */
record Percentiles(int count, double p50Ms, double p90Ms, double p99Ms, double maxMs) {

  static Percentiles of(long[] nanos) {
    if (nanos.length == 0) {
      return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return new Percentiles(
        sorted.length,
        ms(rank(sorted, 0.50)),
        ms(rank(sorted, 0.90)),
        ms(rank(sorted, 0.99)),
        ms(sorted[sorted.length - 1]));
  }

  private static long rank(long[] sorted, double p) {
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static double ms(long nanos) {
    return nanos / 1_000_000.0;
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "n=%d p50=%.3f ms p90=%.3f ms p99=%.3f ms max=%.3f ms",
        count,
        p50Ms,
        p90Ms,
        p99Ms,
        maxMs);
  }
}
