package dev.nexus.bench.server;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jdbi.v3.core.Jdbi;

/**
 * Watches the work that competes with a measured phase for the two cores and the disk, polled every
 * 100 ms: in this JVM (driver, server and fakes together) the time the JIT compilers and the
 * garbage collectors spent; in PostgreSQL the autovacuum and autoanalyze runs that ended and the
 * checkpoints that started (from statistics views the application role may read); on Linux the
 * pages the kernel wrote back from its cache ({@code nr_written} in {@code /proc/vmstat}) and the
 * most that was dirty ({@code Dirty} in {@code /proc/meminfo}).
 *
 * <p>A paced phase started right after the saturated ones ran with the JIT compilers busy (about
 * one core's worth for some 15 seconds), which is why each paced phase now has a warm-up at its own
 * rate; the report shows what still ran during the measured part.
 */
final class BackgroundWork implements AutoCloseable {

  private static final long POLL_MILLIS = 100;
  private static final Path VMSTAT = Path.of("/proc/vmstat");
  private static final Path MEMINFO = Path.of("/proc/meminfo");

  /** Running totals; the difference of two readings is what was done between them. */
  private record Counters(
      long compileMillis,
      long gcCount,
      long gcMillis,
      long autovacuumRuns,
      long checkpoints,
      long pagesWritten) {
    Counters minus(Counters earlier) {
      return new Counters(
          compileMillis - earlier.compileMillis,
          gcCount - earlier.gcCount,
          gcMillis - earlier.gcMillis,
          autovacuumRuns - earlier.autovacuumRuns,
          checkpoints - earlier.checkpoints,
          pagesWritten - earlier.pagesWritten);
    }
  }

  private record Poll(long atNanos, Counters totals, long dirtyKb) {}

  /** What ran besides the load during one window. */
  record Window(int polls, Counters done, long maxDirtyKb) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "JIT compiling %d ms, %d GC pause(s) %d ms in all; PostgreSQL: %d autovacuum or"
              + " autoanalyze run(s) ended, %d checkpoint(s); the kernel wrote back %.1f MB"
              + " (at most %.1f MB dirty)",
          done.compileMillis(),
          done.gcCount(),
          done.gcMillis(),
          done.autovacuumRuns(),
          done.checkpoints(),
          done.pagesWritten() * 4096 / 1e6,
          maxDirtyKb / 1e3);
    }
  }

  private final Jdbi jdbi;
  private final CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
  private final List<GarbageCollectorMXBean> collectors =
      ManagementFactory.getGarbageCollectorMXBeans();
  private final List<Poll> polls = new ArrayList<>();
  private final Thread poller;
  private volatile boolean running = true;

  private BackgroundWork(Jdbi jdbi) {
    this.jdbi = jdbi;
    this.poller = new Thread(this::pollLoop, "background-work");
    poller.setDaemon(true);
  }

  static BackgroundWork watch(Jdbi jdbi) {
    BackgroundWork work = new BackgroundWork(jdbi);
    work.poll();
    work.poller.start();
    return work;
  }

  private void pollLoop() {
    while (running) {
      try {
        Thread.sleep(POLL_MILLIS);
        poll();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (running) {
          throw e;
        }
        return; // the database is closing with the driver
      }
    }
  }

  private void poll() {
    long[] database =
        jdbi.withHandle(
            handle ->
                handle
                    .createQuery(
                        "SELECT (SELECT coalesce(sum(autovacuum_count + autoanalyze_count), 0)"
                            + " FROM pg_stat_user_tables) AS runs,"
                            + " (SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter)"
                            + " AS checkpoints")
                    .map(
                        (row, context) ->
                            new long[] {row.getLong("runs"), row.getLong("checkpoints")})
                    .one());
    long gcCount = 0;
    long gcMillis = 0;
    for (GarbageCollectorMXBean gc : collectors) {
      gcCount += Math.max(0, gc.getCollectionCount());
      gcMillis += Math.max(0, gc.getCollectionTime());
    }
    Poll poll =
        new Poll(
            System.nanoTime(),
            new Counters(
                compiler != null && compiler.isCompilationTimeMonitoringSupported()
                    ? compiler.getTotalCompilationTime()
                    : 0,
                gcCount,
                gcMillis,
                database[0],
                database[1],
                procValue(VMSTAT, "nr_written ")),
            procValue(MEMINFO, "Dirty:"));
    synchronized (polls) {
      polls.add(poll);
    }
  }

  /** The first number on the line that starts with {@code key}, or 0 where there is none. */
  private static long procValue(Path file, String key) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or not readable: counted as nothing.
    }
    return 0;
  }

  /** What ran between two {@link System#nanoTime} readings. */
  Window between(long fromNanos, long toNanos) {
    Poll first = null;
    Poll last = null;
    int count = 0;
    long maxDirty = 0;
    synchronized (polls) {
      for (Poll poll : polls) {
        if (poll.atNanos() < fromNanos || poll.atNanos() > toNanos) {
          continue;
        }
        count++;
        maxDirty = Math.max(maxDirty, poll.dirtyKb());
        if (first == null) {
          first = poll;
        }
        last = poll;
      }
    }
    if (first == null) {
      return new Window(0, new Counters(0, 0, 0, 0, 0, 0), 0);
    }
    return new Window(count, last.totals().minus(first.totals()), maxDirty);
  }

  @Override
  public void close() {
    running = false;
    poller.interrupt();
    try {
      poller.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
