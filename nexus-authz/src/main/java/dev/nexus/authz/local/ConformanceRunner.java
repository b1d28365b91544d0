package dev.nexus.authz.local;

import dev.nexus.core.authorization.CheckRequest;
import dev.nexus.core.authorization.ObjectRef;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.core.authorization.SubjectRef;
import dev.nexus.core.error.InvalidInputException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Runs OpenFGA's YAML conformance tests (the format of OpenFGA's {@code
 * assets/tests/consolidated_1_1_tests.yaml}) against the embedded evaluator.
 *
 * <p>Each test starts from an empty store; its stages run in order, each with its own model, the
 * tuples of earlier stages kept. Check and list-objects assertions run once with the stage's tuples
 * written, and again, for single-stage tests of at most {@value #CONTEXTUAL_TUPLE_LIMIT} tuples,
 * with those tuples sent as contextual tuples instead, as OpenFGA's own harness does. List-users
 * assertions are not run.
 *
 * <p>From the command line: {@code ConformanceRunner FILE...} prints every failing assertion and
 * ends with {@code N passed, M failed}; the exit status is 0 only when none failed.
 */
public final class ConformanceRunner {

  /** OpenFGA's limit on contextual tuples in one request. */
  public static final int CONTEXTUAL_TUPLE_LIMIT = 100;

  private static final String WRITTEN = "tuples written";
  private static final String CONTEXTUAL = "contextual tuples";

  /** One assertion that did not hold. */
  public record Failure(
      String test, int stage, String mode, String assertion, String expected, String got) {

    @Override
    public String toString() {
      return "FAIL "
          + test
          + " stage "
          + stage
          + " ("
          + mode
          + "): "
          + assertion
          + ": expected "
          + expected
          + ", got "
          + got;
    }
  }

  /**
   * What a run found: passed assertions by kind, with the tuples written and with them sent as
   * contextual tuples, and every failure.
   */
  public record Report(
      int checksWritten,
      int listObjectsWritten,
      int checksContextual,
      int listObjectsContextual,
      List<Failure> failures) {

    public Report {
      failures = List.copyOf(failures);
    }

    public int passed() {
      return checksWritten + listObjectsWritten + checksContextual + listObjectsContextual;
    }

    public int failed() {
      return failures.size();
    }

    Report plus(Report other) {
      List<Failure> all = new ArrayList<>(failures);
      all.addAll(other.failures);
      return new Report(
          checksWritten + other.checksWritten,
          listObjectsWritten + other.listObjectsWritten,
          checksContextual + other.checksContextual,
          listObjectsContextual + other.listObjectsContextual,
          all);
    }
  }

  private final int[] checksPassed = new int[2];
  private final int[] listObjectsPassed = new int[2];
  private final List<Failure> failures = new ArrayList<>();

  private final Supplier<TupleIndex> indexes;

  private ConformanceRunner(Supplier<TupleIndex> indexes) {
    this.indexes = indexes;
  }

  /** Runs every test of one YAML document in both modes. */
  public static Report run(String yaml) {
    return run(yaml, InMemoryTupleIndex::new);
  }

  /** {@link #run(String)} with each test's tuples in an index from {@code indexes}. */
  static Report run(String yaml, Supplier<TupleIndex> indexes) {
    Objects.requireNonNull(yaml, "yaml");
    Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    if (!(document instanceof Map<?, ?> root) || !(root.get("tests") instanceof List<?> tests)) {
      throw new InvalidInputException("the conformance file has no list of tests");
    }
    ConformanceRunner runner = new ConformanceRunner(indexes);
    for (Object test : tests) {
      runner.runTest(map(test));
    }
    return new Report(
        runner.checksPassed[0],
        runner.listObjectsPassed[0],
        runner.checksPassed[1],
        runner.listObjectsPassed[1],
        runner.failures);
  }

  public static void main(String[] args) throws IOException {
    System.exit(run(args, System.out));
  }

  /** The command line without the exit: returns the exit status. */
  static int run(String[] args, PrintStream out) throws IOException {
    if (args.length == 0) {
      out.println("usage: ConformanceRunner FILE.yaml...");
      return 2;
    }
    Report total = new Report(0, 0, 0, 0, List.of());
    for (String arg : args) {
      total = total.plus(run(Files.readString(Path.of(arg), StandardCharsets.UTF_8)));
    }
    total.failures().forEach(out::println);
    out.println(
        "tuples written: "
            + total.checksWritten()
            + " check and "
            + total.listObjectsWritten()
            + " list-objects assertions passed; as contextual tuples: "
            + total.checksContextual()
            + " check and "
            + total.listObjectsContextual()
            + " list-objects assertions passed");
    out.println(total.passed() + " passed, " + total.failed() + " failed");
    return total.failed() == 0 ? 0 : 1;
  }

  private void runTest(Map<String, Object> test) {
    String name = String.valueOf(test.get("name"));
    List<Map<String, Object>> stages = maps(test.get("stages"));
    runStages(name, stages, false);
    int tuples = stages.isEmpty() ? 0 : maps(stages.get(0).get("tuples")).size();
    if (stages.size() == 1 && tuples <= CONTEXTUAL_TUPLE_LIMIT) {
      runStages(name, stages, true);
    }
  }

  private void runStages(String test, List<Map<String, Object>> stages, boolean contextual) {
    String mode = contextual ? CONTEXTUAL : WRITTEN;
    TupleIndex index = indexes.get();
    LocalFgaAuthorizer authorizer = null;
    for (int i = 0; i < stages.size(); i++) {
      Map<String, Object> stage = stages.get(i);
      List<RelationshipTuple> tuples;
      try {
        FgaModel model = FgaModel.parse(String.valueOf(stage.get("model")));
        authorizer =
            authorizer == null ? new LocalFgaAuthorizer(model, index) : authorizer.withModel(model);
        tuples = tuples(stage.get("tuples"));
        if (!contextual && !tuples.isEmpty()) {
          authorizer.write(tuples, List.of());
        }
      } catch (RuntimeException e) {
        failures.add(new Failure(test, i, mode, "stage setup", "success", describe(e)));
        authorizer = null;
        continue;
      }
      List<RelationshipTuple> extra = contextual ? tuples : List.of();
      for (Map<String, Object> assertion : maps(stage.get("checkAssertions"))) {
        runCheck(test, i, mode, authorizer, assertion, extra);
      }
      for (Map<String, Object> assertion : maps(stage.get("listObjectsAssertions"))) {
        runListObjects(test, i, mode, authorizer, assertion, extra);
      }
    }
  }

  private void runCheck(
      String test,
      int stage,
      String mode,
      LocalFgaAuthorizer authorizer,
      Map<String, Object> assertion,
      List<RelationshipTuple> extra) {
    Map<String, Object> tuple = map(assertion.get("tuple"));
    String description =
        "check " + tuple.get("user") + " " + tuple.get("relation") + " " + tuple.get("object");
    String expected = expected(assertion);
    String got;
    try {
      List<RelationshipTuple> contextualTuples =
          new ArrayList<>(tuples(assertion.get("contextualTuples")));
      contextualTuples.addAll(extra);
      CheckRequest request =
          new CheckRequest(
              SubjectRef.parse(String.valueOf(tuple.get("user"))),
              String.valueOf(tuple.get("relation")),
              ObjectRef.parse(String.valueOf(tuple.get("object"))),
              contextualTuples);
      got = String.valueOf(authorizer.isAllowed(request));
    } catch (RuntimeException e) {
      got = describe(e);
    }
    if (matches(expected, got)) {
      checksPassed[mode.equals(CONTEXTUAL) ? 1 : 0]++;
    } else {
      failures.add(new Failure(test, stage, mode, description, expected, got));
    }
  }

  private void runListObjects(
      String test,
      int stage,
      String mode,
      LocalFgaAuthorizer authorizer,
      Map<String, Object> assertion,
      List<RelationshipTuple> extra) {
    Map<String, Object> request = map(assertion.get("request"));
    String description =
        "list-objects "
            + request.get("user")
            + " "
            + request.get("relation")
            + " "
            + request.get("type");
    String expected;
    if (assertion.get("errorCode") != null) {
      expected = "error " + assertion.get("errorCode");
    } else {
      Set<String> objects = new TreeSet<>();
      for (Object object : list(assertion.get("expectation"))) {
        objects.add(String.valueOf(object));
      }
      expected = objects.toString();
    }
    String got;
    try {
      List<RelationshipTuple> contextualTuples =
          new ArrayList<>(tuples(assertion.get("contextualTuples")));
      contextualTuples.addAll(extra);
      Set<String> objects = new TreeSet<>();
      for (ObjectRef object :
          authorizer.listObjects(
              SubjectRef.parse(String.valueOf(request.get("user"))),
              String.valueOf(request.get("relation")),
              String.valueOf(request.get("type")),
              contextualTuples)) {
        objects.add(object.toString());
      }
      got = objects.toString();
    } catch (RuntimeException e) {
      got = describe(e);
    }
    if (matches(expected, got)) {
      listObjectsPassed[mode.equals(CONTEXTUAL) ? 1 : 0]++;
    } else {
      failures.add(new Failure(test, stage, mode, description, expected, got));
    }
  }

  private static String expected(Map<String, Object> assertion) {
    Object code = assertion.get("errorCode");
    return code != null ? "error " + code : String.valueOf(assertion.get("expectation"));
  }

  /** An expected error matches on its code alone; the message is shown only when it fails. */
  private static boolean matches(String expected, String got) {
    return expected.startsWith("error ")
        ? got.equals(expected) || got.startsWith(expected + " ")
        : expected.equals(got);
  }

  private static String describe(RuntimeException e) {
    if (e instanceof FgaException fga) {
      return "error " + fga.code().number() + " (" + fga.getMessage() + ")";
    }
    if (e instanceof InvalidInputException) {
      // A malformed type, id or relation: OpenFGA answers these with validation_error.
      return "error " + FgaErrorCode.VALIDATION_ERROR.number() + " (" + e.getMessage() + ")";
    }
    return "exception " + e.getClass().getSimpleName() + " (" + e.getMessage() + ")";
  }

  private static List<RelationshipTuple> tuples(Object value) {
    List<RelationshipTuple> tuples = new ArrayList<>();
    for (Map<String, Object> tuple : maps(value)) {
      tuples.add(
          RelationshipTuple.of(
              String.valueOf(tuple.get("user")),
              String.valueOf(tuple.get("relation")),
              String.valueOf(tuple.get("object"))));
    }
    return tuples;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    if (value instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    throw new InvalidInputException("the conformance file has a malformed entry");
  }

  private static List<?> list(Object value) {
    return value instanceof List<?> list ? list : List.of();
  }

  private static List<Map<String, Object>> maps(Object value) {
    List<Map<String, Object>> maps = new ArrayList<>();
    for (Object item : list(value)) {
      maps.add(map(item));
    }
    return maps;
  }
}
