package dev.nexus.testkit.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * Runs tasks on many threads that start at the same moment, to make races likely. Used by the
 * contracts; a task's exception fails the run.
 */
public final class Concurrently {

  /** How long a run may take before it counts as hung (a deadlock guard, not a speed goal). */
  private static final long HUNG_AFTER_SECONDS = 120;

  private Concurrently() {}

  /**
   * Runs {@code task(i)} for {@code i} in {@code [0, threads)}, each on its own thread, all
   * released together; returns the results in index order.
   *
   * @throws AssertionError when a task throws or the run hangs
   */
  public static <T> List<T> run(int threads, IntFunction<T> task) {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        int index = i;
        Callable<T> call =
            () -> {
              ready.countDown();
              go.await();
              return task.apply(index);
            };
        futures.add(pool.submit(call));
      }
      await(ready);
      go.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(HUNG_AFTER_SECONDS, TimeUnit.SECONDS));
      }
      return results;
    } catch (ExecutionException e) {
      throw new AssertionError("a concurrent task failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("concurrent tasks did not finish; a deadlock?", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for concurrent tasks", e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Like {@link #run(int, IntFunction)} for tasks without a result. */
  public static void runAll(int threads, IntConsumer task) {
    run(
        threads,
        i -> {
          task.accept(i);
          return Boolean.TRUE;
        });
  }

  private static void await(CountDownLatch latch) throws InterruptedException {
    if (!latch.await(HUNG_AFTER_SECONDS, TimeUnit.SECONDS)) {
      throw new AssertionError("concurrent tasks did not start");
    }
  }
}
