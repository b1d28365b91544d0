package dev.nexus.authz.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.core.authorization.ObjectRef;
import dev.nexus.core.authorization.RelationshipTuple;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * OpenFGA's own conformance cases (a subset of openfga/openfga's consolidated_1_1_tests.yaml,
 * Apache-2.0, bundled with its licence under src/test/resources/openfga-conformance) against the
 * embedded evaluator, with the tuples written and again as contextual tuples.
 */
class ConformanceTest {

  private static final String SUBSET = "/openfga-conformance/consolidated_subset.yaml";

  @Test
  void consolidatedSubset_everyAssertionPasses_inBothModes() throws IOException {
    String yaml = bundledSubset();
    Counts counts = count(yaml);

    ConformanceRunner.Report report = ConformanceRunner.run(yaml);

    assertThat(report.failures()).isEmpty();
    assertThat(counts.checks).isEqualTo(276);
    assertThat(counts.listObjects).isEqualTo(197);
    assertThat(report.checksWritten()).isEqualTo(counts.checks);
    assertThat(report.listObjectsWritten()).isEqualTo(counts.listObjects);
    assertThat(report.checksContextual()).isEqualTo(counts.contextualChecks).isPositive();
    assertThat(report.listObjectsContextual()).isEqualTo(counts.contextualListObjects).isPositive();
  }

  @Test
  void consolidatedSubset_overAnotherKindOfTupleIndex_everyAssertionPasses() throws IOException {
    // An index the evaluator cannot read by number goes through the copying string view.
    String yaml = bundledSubset();
    Counts counts = count(yaml);

    ConformanceRunner.Report report = ConformanceRunner.run(yaml, ForwardingTupleIndex::new);

    assertThat(report.failures()).isEmpty();
    assertThat(report.checksWritten()).isEqualTo(counts.checks);
    assertThat(report.listObjectsWritten()).isEqualTo(counts.listObjects);
  }

  @Test
  void commandLine_allPassing_exitsZeroAndPrintsTheCounts(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("subset.yaml");
    Files.writeString(file, bundledSubset());
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    int status = ConformanceRunner.run(new String[] {file.toString()}, new PrintStream(out, true));

    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(status).isZero();
    assertThat(lines.get(lines.size() - 1)).matches("\\d+ passed, 0 failed");
  }

  @Test
  void commandLine_wrongExpectation_printsTheFailureAndExitsNonZero(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("wrong.yaml");
    Files.writeString(
        file,
        """
        tests:
        - name: wrong_on_purpose
          stages:
          - model: |
              model
                schema 1.1
              type user
              type document
                relations
                  define viewer: [user]
            tuples:
            - object: document:1
              relation: viewer
              user: user:anne
            checkAssertions:
            - tuple:
                object: document:1
                relation: viewer
                user: user:anne
              expectation: false
            listObjectsAssertions:
            - request:
                user: user:anne
                type: document
                relation: viewer
              expectation:
              - document:1
        """);
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    int status = ConformanceRunner.run(new String[] {file.toString()}, new PrintStream(out, true));

    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(status).isEqualTo(1);
    assertThat(printed)
        .contains(
            "FAIL wrong_on_purpose stage 0 (tuples written): check user:anne viewer document:1:"
                + " expected false, got true")
        .contains("FAIL wrong_on_purpose stage 0 (contextual tuples)");
    assertThat(printed.lines().reduce((a, b) -> b).orElseThrow()).isEqualTo("2 passed, 2 failed");
  }

  @Test
  void commandLine_noFile_printsUsage() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    int status = ConformanceRunner.run(new String[0], new PrintStream(out, true));

    assertThat(status).isEqualTo(2);
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("usage:");
  }

  /** A tuple index of another kind than {@link InMemoryTupleIndex}, delegating to one. */
  private static final class ForwardingTupleIndex implements TupleIndex {
    private final InMemoryTupleIndex tuples = new InMemoryTupleIndex();

    @Override
    public boolean add(RelationshipTuple tuple) {
      return tuples.add(tuple);
    }

    @Override
    public boolean remove(RelationshipTuple tuple) {
      return tuples.remove(tuple);
    }

    @Override
    public void forEachTupleOf(ObjectRef object, Consumer<RelationshipTuple> sink) {
      tuples.forEachTupleOf(object, sink);
    }

    @Override
    public void forEach(Consumer<RelationshipTuple> sink) {
      tuples.forEach(sink);
    }

    @Override
    public long size() {
      return tuples.size();
    }

    @Override
    public boolean contains(
        String objectType,
        String objectId,
        String relation,
        String userType,
        String userId,
        String userRelation) {
      return tuples.contains(objectType, objectId, relation, userType, userId, userRelation);
    }

    @Override
    public boolean visitUsers(
        String objectType,
        String objectId,
        String relation,
        boolean usersets,
        UserVisitor visitor) {
      return tuples.visitUsers(objectType, objectId, relation, usersets, visitor);
    }

    @Override
    public void forEachObjectId(String objectType, Consumer<String> sink) {
      tuples.forEachObjectId(objectType, sink);
    }
  }

  private static String bundledSubset() throws IOException {
    try (InputStream in = ConformanceTest.class.getResourceAsStream(SUBSET)) {
      assertThat(in)
          .as(
              "the OpenFGA conformance subset must be bundled at src/test/resources%s (copy it"
                  + " from shared/conformance/openfga)",
              SUBSET)
          .isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** How many assertions the file holds, counted independently of the runner. */
  private record Counts(
      int checks, int listObjects, int contextualChecks, int contextualListObjects) {}

  @SuppressWarnings("unchecked")
  private static Counts count(String yaml) {
    Map<String, Object> root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    int checks = 0;
    int lists = 0;
    int contextualChecks = 0;
    int contextualLists = 0;
    for (Object test : (List<Object>) root.get("tests")) {
      List<Map<String, Object>> stages =
          (List<Map<String, Object>>) ((Map<String, Object>) test).get("stages");
      int tuples = size(stages.get(0).get("tuples"));
      boolean contextual = stages.size() == 1 && tuples <= 100;
      for (Map<String, Object> stage : stages) {
        int stageChecks = size(stage.get("checkAssertions"));
        int stageLists = size(stage.get("listObjectsAssertions"));
        checks += stageChecks;
        lists += stageLists;
        if (contextual) {
          contextualChecks += stageChecks;
          contextualLists += stageLists;
        }
      }
    }
    return new Counts(checks, lists, contextualChecks, contextualLists);
  }

  private static int size(Object list) {
    return list instanceof List<?> l ? l.size() : 0;
  }
}
