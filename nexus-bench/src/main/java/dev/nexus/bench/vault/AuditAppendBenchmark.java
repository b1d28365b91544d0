package dev.nexus.bench.vault;

import dev.nexus.core.audit.AuditAction;
import dev.nexus.core.audit.AuditEvent;
import dev.nexus.core.audit.AuditRecord;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import dev.nexus.vault.JdbiAuditLog;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Audit appends per second through {@link JdbiAuditLog#append}: hash-chained, serialized per
 * organization by its head row. One thread on one organization; four threads each on its own
 * organization; four threads contending for one organization.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 4)
public class AuditAppendBenchmark {

  /** The database and log of one fork. */
  @State(Scope.Benchmark)
  public static class Log {
    @Param({"temporary", "persistent"})
    public String mode;

    BenchDatabase database;
    JdbiAuditLog log;
    final AtomicInteger organizations = new AtomicInteger();

    @Setup(Level.Trial)
    public void start() {
      database = new BenchDatabase(mode);
      log = new JdbiAuditLog(database.vault.jdbi());
    }

    @TearDown(Level.Trial)
    public void stop() {
      database.close();
    }
  }

  /** An organization of the calling thread alone. */
  @State(Scope.Thread)
  public static class OwnOrganization {
    OrganizationId organization;

    @Setup(Level.Trial)
    public void pick(Log log) {
      organization = OrganizationId.of("org-" + log.organizations.incrementAndGet());
    }
  }

  @Benchmark
  @Threads(1)
  public AuditRecord oneThreadOneOrganization(Log log, OwnOrganization own) {
    return log.log.append(event(own.organization));
  }

  @Benchmark
  @Threads(4)
  public AuditRecord fourThreadsOwnOrganizations(Log log, OwnOrganization own) {
    return log.log.append(event(own.organization));
  }

  @Benchmark
  @Threads(4)
  public AuditRecord fourThreadsOneOrganization(Log log) {
    return log.log.append(event(OrganizationId.of("shared")));
  }

  private static AuditEvent event(OrganizationId organization) {
    return new AuditEvent(
        organization,
        Instant.now(),
        UserId.of("alice"),
        AuditAction.TOOL_CALL_ALLOWED,
        "gmail_search",
        Map.of("risk", "READ", "decision", "allowed"));
  }
}
