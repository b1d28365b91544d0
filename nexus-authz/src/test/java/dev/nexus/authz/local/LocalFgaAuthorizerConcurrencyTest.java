package dev.nexus.authz.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.authz.NexusAuthorizationModel;
import dev.nexus.core.authorization.Capability;
import dev.nexus.core.authorization.CheckRequest;
import dev.nexus.core.authorization.ObjectRef;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.core.authorization.SubjectRef;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Readers and writers of the embedded evaluator at the same time. */
class LocalFgaAuthorizerConcurrencyTest {

  private static final ObjectRef ACME = ObjectRef.of("organization", "acme");
  private static final SubjectRef ALICE = SubjectRef.of("user", "alice");

  @Test
  void readers_duringRoleSwaps_alwaysSeeExactlyOneRole() throws Exception {
    // One writer moves alice between guest and member in single atomic writes, while other
    // writers add unrelated organizations; readers must always find her with exactly one role.
    LocalFgaAuthorizer fga = NexusAuthorizationModel.embeddedAuthorizer();
    RelationshipTuple asGuest = new RelationshipTuple(ALICE, "guest", ACME);
    RelationshipTuple asMember = new RelationshipTuple(ALICE, "member", ACME);
    fga.write(List.of(asGuest), List.of());
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger rounds = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(5);
    List<Future<List<String>>> readers = new ArrayList<>();

    Future<?> swapper =
        pool.submit(
            () -> {
              try {
                // At least 2,000 swaps, and on until the readers made 600 rounds (bounded).
                int i = 0;
                for (; i < 200_000 && (i < 2_000 || rounds.get() < 600); i++) {
                  boolean toMember = i % 2 == 0;
                  fga.write(
                      List.of(toMember ? asMember : asGuest),
                      List.of(toMember ? asGuest : asMember));
                }
                if (i % 2 == 1) {
                  fga.write(List.of(asGuest), List.of(asMember));
                }
              } finally {
                writing.set(false);
              }
            });
    Future<?> grower =
        pool.submit(
            () -> {
              for (int i = 0; writing.get() && i < 20_000; i++) {
                fga.write(
                    List.of(
                        new RelationshipTuple(
                            SubjectRef.of("user", "u" + i),
                            "member",
                            ObjectRef.of("organization", "org" + i))),
                    List.of());
              }
            });
    for (int r = 0; r < 3; r++) {
      readers.add(pool.submit(reader(fga, writing, rounds)));
    }

    swapper.get(60, TimeUnit.SECONDS);
    grower.get(60, TimeUnit.SECONDS);
    List<String> anomalies = new ArrayList<>();
    for (Future<List<String>> reader : readers) {
      anomalies.addAll(reader.get(60, TimeUnit.SECONDS));
    }
    pool.shutdown();

    assertThat(rounds.get()).isPositive();
    assertThat(anomalies).isEmpty();
    assertThat(fga.read(ACME)).containsExactly(asGuest);
  }

  private static Callable<List<String>> reader(
      LocalFgaAuthorizer fga, AtomicBoolean writing, AtomicInteger rounds) {
    return () -> {
      List<String> anomalies = new ArrayList<>();
      while (writing.get()) {
        boolean readsMail = fga.check(capability(Capability.READ_MAIL)).allowed();
        int roles = fga.read(ACME).size();
        List<ObjectRef> organizations =
            fga.listObjects(ALICE, Capability.READ_MAIL.relation(), "organization");
        if (!readsMail) {
          anomalies.add("alice lost can_read_mail");
        }
        if (roles != 1) {
          anomalies.add("alice had " + roles + " roles");
        }
        if (!organizations.equals(List.of(ACME))) {
          anomalies.add("listObjects answered " + organizations);
        }
        rounds.incrementAndGet();
      }
      return anomalies;
    };
  }

  private static CheckRequest capability(Capability capability) {
    return CheckRequest.of(ALICE, capability.relation(), ACME);
  }
}
