package dev.nexus.bench.authz;

import dev.nexus.authz.local.LocalFgaAuthorizer;
import dev.nexus.core.authorization.Capability;
import dev.nexus.core.authorization.CheckRequest;
import dev.nexus.core.authorization.Decision;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.core.authorization.SubjectRef;
import java.util.HashMap;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Checks in the embedded evaluator holding the Nexus model with {@code organizations} organizations
 * of ten users (twelve tuples each), beside a plain {@link HashMap} lookup of the same tuple in the
 * same run.
 *
 * <ul>
 *   <li>{@code capabilityCheck}: a random member asks {@code can_send_mail} on their organization
 *       (a union, the role chain and an exclusion);
 *   <li>{@code documentCheck}: a random member asks {@code can_view} on their organization's
 *       document (an intersection of a userset grant and {@code can_read_notion from organization},
 *       a tuple-to-userset);
 *   <li>{@code *HashMap}: {@code HashMap<RelationshipTuple, Boolean>.get} of an equal tuple, the
 *       map holding every stored tuple plus the checked ones.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
public class AuthorizationBenchmark {

  private static final int REQUESTS = 1 << 16;

  @Param("100000")
  public int organizations;

  private LocalFgaAuthorizer fga;
  private HashMap<RelationshipTuple, Boolean> map;
  private final CheckRequest[] capabilityChecks = new CheckRequest[REQUESTS];
  private final RelationshipTuple[] capabilityTuples = new RelationshipTuple[REQUESTS];
  private final CheckRequest[] documentChecks = new CheckRequest[REQUESTS];
  private final RelationshipTuple[] documentTuples = new RelationshipTuple[REQUESTS];

  /** Which request a thread asks next. */
  @State(Scope.Thread)
  public static class Cursor {
    private int next;

    int next() {
      return next++ & (REQUESTS - 1);
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    fga = NexusDataset.load(organizations);
    map = new HashMap<>();
    NexusDataset.forEachTuple(organizations, tuple -> map.put(tuple, Boolean.TRUE));
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < REQUESTS; i++) {
      int organization = random.nextInt(organizations);
      SubjectRef member = NexusDataset.user(organization, 2 + random.nextInt(6));
      capabilityChecks[i] =
          CheckRequest.of(
              member, Capability.SEND_MAIL.relation(), NexusDataset.organization(organization));
      documentChecks[i] = CheckRequest.of(member, "can_view", NexusDataset.document(organization));
      capabilityTuples[i] = tupleOf(capabilityChecks[i]);
      documentTuples[i] = tupleOf(documentChecks[i]);
      map.put(capabilityTuples[i], Boolean.TRUE);
      map.put(documentTuples[i], Boolean.TRUE);
    }
  }

  @Benchmark
  public Decision capabilityCheck(Cursor cursor) {
    return fga.check(capabilityChecks[cursor.next()]);
  }

  @Benchmark
  public Boolean capabilityHashMap(Cursor cursor) {
    return map.get(capabilityTuples[cursor.next()]);
  }

  @Benchmark
  public Decision documentCheck(Cursor cursor) {
    return fga.check(documentChecks[cursor.next()]);
  }

  @Benchmark
  public Boolean documentHashMap(Cursor cursor) {
    return map.get(documentTuples[cursor.next()]);
  }

  private static RelationshipTuple tupleOf(CheckRequest request) {
    // Fresh strings, so the map's lookup hashes and compares like one keyed by request data.
    SubjectRef subject = request.subject();
    return RelationshipTuple.of(
        new String(subject.toString()),
        request.relation(),
        new String(request.object().toString()));
  }
}
