package dev.nexus.bench.authz;

import dev.nexus.authz.local.LocalFgaAuthorizer;
import dev.nexus.core.authorization.RelationshipTuple;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.HashMap;
import java.util.Locale;

/**
 * Measures the heap the embedded evaluator retains per million tuples of the Nexus dataset, beside
 * a {@code HashMap<RelationshipTuple, Boolean>} of the same tuples: used heap after full
 * collections, before and after loading, through {@link MemoryMXBean}. Everything the structure
 * keeps alive counts, the id strings included.
 *
 * <p>Usage: {@code java -Xmx4g -cp benchmarks.jar dev.nexus.bench.authz.HeapPerMillionTuples
 * [organizations]} (default 100000).
 */
public final class HeapPerMillionTuples {

  private HeapPerMillionTuples() {}

  public static void main(String[] args) throws InterruptedException {
    int organizations = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    long before = settledHeap(memory);
    LocalFgaAuthorizer fga = NexusDataset.load(organizations);
    long afterEvaluator = settledHeap(memory);
    long tuples = fga.size();

    HashMap<RelationshipTuple, Boolean> map = new HashMap<>();
    NexusDataset.forEachTuple(organizations, tuple -> map.put(tuple, Boolean.TRUE));
    long afterMap = settledHeap(memory);

    report("embedded evaluator", tuples, afterEvaluator - before);
    report("HashMap<RelationshipTuple, Boolean>", map.size(), afterMap - afterEvaluator);
    // Keep both alive until measured.
    if (fga.size() + map.size() < 0) {
      throw new IllegalStateException("unreachable");
    }
  }

  private static void report(String what, long tuples, long bytes) {
    System.out.printf(
        Locale.ROOT,
        "%s: %,d tuples, %,d bytes retained, %.1f bytes per tuple, %.1f MiB per million tuples%n",
        what,
        tuples,
        bytes,
        (double) bytes / tuples,
        bytes / (double) tuples * 1_000_000 / (1024 * 1024));
  }

  private static long settledHeap(MemoryMXBean memory) throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(200);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
