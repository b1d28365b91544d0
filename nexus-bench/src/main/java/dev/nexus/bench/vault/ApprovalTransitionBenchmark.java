package dev.nexus.bench.vault;

import dev.nexus.core.approval.Approval;
import dev.nexus.core.approval.ApprovalId;
import dev.nexus.core.approval.ApprovalStatus;
import dev.nexus.core.approval.ApprovalTransition;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import dev.nexus.vault.JdbiApprovalStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;
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
 * Approval transitions per second: each operation moves one pending approval to approved through
 * {@link JdbiApprovalStore#transition} (one conditional UPDATE ... RETURNING in a transaction
 * scoped to the organization). The pending approvals are bulk-inserted by the owner beforehand.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 4)
public class ApprovalTransitionBenchmark {

  private static final int PREPARED = 400_000;
  private static final OrganizationId ORGANIZATION = OrganizationId.of("acme");

  @Param({"temporary", "persistent"})
  public String mode;

  private BenchDatabase database;
  private JdbiApprovalStore store;
  private final AtomicInteger next = new AtomicInteger();

  @Setup(Level.Trial)
  public void start() throws SQLException {
    database = new BenchDatabase(mode);
    store = new JdbiApprovalStore(database.vault.jdbi());
    try (Connection connection = database.owner.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "INSERT INTO approval (organization_id, id, conversation_id, requester_id,"
              + " requester_role, tool_call_id, tool_name, arguments, risk, status, created_at,"
              + " created_at_nanos, expires_at, expires_at_nanos)"
              + " SELECT 'acme', 'a-' || g, 'c-1', 'alice', 'MEMBER', 'call-' || g,"
              + " 'gmail_send', '{\"values\":{\"to\":\"bob@acme.test\"}}', 'WRITE', 'PENDING',"
              + " now(), 0, now() + interval '1 day', 0 FROM generate_series(1, "
              + PREPARED
              + ") g");
      statement.execute("ANALYZE approval");
    }
  }

  @TearDown(Level.Trial)
  public void stop() {
    database.close();
  }

  @Benchmark
  @Threads(1)
  public Optional<Approval> approveOneThread() {
    return approveNext();
  }

  @Benchmark
  @Threads(4)
  public Optional<Approval> approveFourThreads() {
    return approveNext();
  }

  private Optional<Approval> approveNext() {
    int n = next.incrementAndGet();
    if (n > PREPARED) {
      throw new IllegalStateException("the benchmark ran out of prepared approvals");
    }
    Optional<Approval> moved =
        store.transition(
            ORGANIZATION,
            new ApprovalId("a-" + n),
            new ApprovalTransition(
                ApprovalStatus.PENDING,
                ApprovalStatus.APPROVED,
                UserId.of("manager"),
                Instant.now(),
                null));
    if (moved.isEmpty()) {
      throw new IllegalStateException("a prepared approval was not pending");
    }
    return moved;
  }
}
