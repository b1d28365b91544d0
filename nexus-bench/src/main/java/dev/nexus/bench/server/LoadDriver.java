package dev.nexus.bench.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nexus.server.Components;
import dev.nexus.server.ServerSettings;
import dev.nexus.server.Wiring;
import dev.nexus.server.http.NexusServer;
import dev.nexus.vault.VaultDatabase;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The workspace server's load driver (issue 6). One run measures, on loopback only and bounded in
 * count and time: chat turns of 100 sandbox users with one Gmail read each (turns per second, and
 * the server's own time per turn beside a bare Javalin route doing one PostgreSQL select), the SSE
 * relay of a model delta, the resident memory of a separate server JVM holding 1,000 open streams,
 * and the sandbox jar's start time. See docs/benchmarks.md, "Workspace server (load driver)".
 *
 * <p>Arguments are {@code key=value}; see {@link Config#parse}.
 */
public final class LoadDriver {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String TURN_TEXT = "Read my latest 5 emails";
  private static final Pattern STAMP = Pattern.compile("\\[t(\\d+)\\]");

  /** What to run; every phase is bounded by a count and a wall-clock cap. */
  record Config(
      int users,
      int warmupTurnsPerUser,
      int turnsPerConversation,
      int maxTurns,
      Duration saturatedCap,
      double pacedLoad,
      int maxPacedTurns,
      Duration pacedCap,
      Duration sseCap,
      Duration pacedWarmup,
      boolean inProcess,
      int streams,
      String holdJvmFlags,
      Path serverJar,
      Path workDirectory) {

    static Config parse(String[] args) {
      Map<String, String> a = new HashMap<>();
      for (String arg : args) {
        int eq = arg.indexOf('=');
        if (eq < 1) {
          throw new IllegalArgumentException("arguments are key=value, not " + arg);
        }
        a.put(arg.substring(0, eq), arg.substring(eq + 1));
      }
      return new Config(
          Integer.parseInt(a.getOrDefault("users", "100")),
          Integer.parseInt(a.getOrDefault("warmup", "5")),
          Integer.parseInt(a.getOrDefault("turnsPerConversation", "10")),
          Integer.parseInt(a.getOrDefault("turns", "6000")),
          Duration.ofSeconds(Long.parseLong(a.getOrDefault("saturatedSeconds", "40"))),
          Double.parseDouble(a.getOrDefault("pacedLoad", "0.3")),
          Integer.parseInt(a.getOrDefault("pacedTurns", "3000")),
          Duration.ofSeconds(Long.parseLong(a.getOrDefault("pacedSeconds", "30"))),
          Duration.ofSeconds(Long.parseLong(a.getOrDefault("sseSeconds", "20"))),
          Duration.ofSeconds(Long.parseLong(a.getOrDefault("pacedWarmupSeconds", "20"))),
          Boolean.parseBoolean(a.getOrDefault("inProcess", "true")),
          Integer.parseInt(a.getOrDefault("streams", "1000")),
          a.getOrDefault("holdJvmFlags", "-Xms64m -Xmx256m -Xss256k -XX:+UseSerialGC"),
          Path.of(a.getOrDefault("jar", "nexus-server-javalin/target/nexus-server.jar")),
          Path.of(a.getOrDefault("work", System.getProperty("java.io.tmpdir"))));
    }
  }

  /** One measured request. */
  record Sample(
      long totalNanos,
      long fromAuthNanos,
      long modelNanos,
      long providerNanos,
      long storageNanos,
      int storageCalls,
      long conversationReadNanos,
      long conversationWriteNanos,
      long auditNanos,
      long serverNanos) {
    long ownNanos() {
      return totalNanos - modelNanos - providerNanos;
    }

    long ownFromAuthNanos() {
      return fromAuthNanos - modelNanos - providerNanos;
    }

    long ownWithoutStorageNanos() {
      return ownNanos() - storageNanos;
    }

    /** Own time as the server itself measures the request: from taking it to writing the answer. */
    long ownServerSideNanos() {
      return serverNanos - modelNanos - providerNanos;
    }
  }

  /** A phase's outcome: samples, errors, wall time. */
  record Phase(String name, List<Sample> samples, int errors, long wallNanos) {
    double perSecond() {
      return samples.size() / (wallNanos / 1e9);
    }

    Percentiles of(java.util.function.ToLongFunction<Sample> f) {
      return Percentiles.of(samples.stream().mapToLong(f).toArray());
    }
  }

  /** The in-process results. */
  record InProcess(
      Phase saturatedTurns,
      Phase saturatedBare,
      Phase pacedTurns,
      Phase pacedBare,
      double pacedRate,
      Percentiles sseRelay,
      Percentiles sseServerRelay,
      Percentiles bareServerSide,
      int sseTurns,
      int sseErrors) {}

  private final Config config;
  private final PrintStream out;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  LoadDriver(Config config, PrintStream out) {
    this.config = config;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    Config config = Config.parse(args);
    PrintStream report = System.err;
    LoadDriver driver = new LoadDriver(config, report);
    report.println("# nexus server load driver, " + java.time.Instant.now());
    report.println(
        "# machine: "
            + Runtime.getRuntime().availableProcessors()
            + " CPUs, Java "
            + System.getProperty("java.version")
            + ", driver max heap "
            + Runtime.getRuntime().maxMemory() / (1024 * 1024)
            + " MB");
    report.println("# config: " + config);
    if (config.inProcess()) {
      driver.printInProcess(driver.runInProcess());
    }
    if (config.streams() > 0) {
      driver.runMemory();
    }
    if (Files.isRegularFile(config.serverJar())) {
      driver.runStartup();
    } else {
      report.println("start time: skipped, no jar at " + config.serverJar());
    }
    System.exit(0);
  }

  // ------------------------------------------------------------------ in-process: turns and bare

  InProcess runInProcess() throws Exception {
    Path data = Files.createTempDirectory(config.workDirectory(), "nexus-load-");
    Map<String, String> env = new HashMap<>();
    env.put("NEXUS_PORT", "0");
    env.put("NEXUS_DATA_DIR", data.toString());
    env.put("NEXUS_TURNS_PER_USER_PER_MINUTE", "100000");
    env.put("NEXUS_TURNS_PER_ORG_PER_MINUTE", "1000000");
    ServerSettings settings = ServerSettings.from(env);
    TurnTimings timings = new TurnTimings();
    Components components =
        timings.wrap(Wiring.assemble(settings).withDefaultModel(new ReadLatestScript()));
    NexusServer server = NexusServer.start(components, settings, timings.observer());
    Javalin bare = null;
    BackgroundWork background = null;
    Queue<Long> bareServerNanos = new ConcurrentLinkedQueue<>();
    try {
      VaultDatabase database =
          components.resources().stream()
              .filter(VaultDatabase.class::isInstance)
              .map(VaultDatabase.class::cast)
              .findFirst()
              .orElseThrow();
      bare = startBare(database, bareServerNanos);
      background = BackgroundWork.watch(database.jdbi());
      URI base = URI.create("http://127.0.0.1:" + server.port());
      URI bareUri = URI.create("http://127.0.0.1:" + bare.port() + "/bare");

      long setupStart = System.nanoTime();
      List<User> users = new ArrayList<>();
      for (int i = 0; i < config.users(); i++) {
        users.add(setUp(base, i));
      }
      out.printf(
          Locale.ROOT,
          "setup: %d users with a token and a Gmail connection (real OAuth flow) in %.1f s%n",
          users.size(),
          (System.nanoTime() - setupStart) / 1e9);

      // warm-up, discarded
      run(
          "warm-up turns",
          users,
          config.warmupTurnsPerUser() * users.size(),
          Duration.ofSeconds(60),
          0,
          u -> turn(base, u, timings));
      run(
          "warm-up bare",
          users,
          config.warmupTurnsPerUser() * users.size() * 4,
          Duration.ofSeconds(30),
          0,
          u -> bare(bareUri));

      Phase saturatedTurns =
          run(
              "saturated turns",
              users,
              config.maxTurns(),
              config.saturatedCap(),
              0,
              u -> turn(base, u, timings));
      Phase saturatedBare =
          run(
              "saturated bare",
              users,
              config.maxTurns() * 4,
              config.saturatedCap(),
              0,
              u -> bare(bareUri));

      double rate = Math.max(1, config.pacedLoad() * saturatedTurns.perSecond());
      long period = (long) (users.size() / rate * 1e9);
      warmUp(background, "paced warm-up turns", users, period, u -> turn(base, u, timings));
      long pacedStart = System.nanoTime();
      Phase pacedTurns =
          run(
              "paced turns",
              users,
              config.maxPacedTurns(),
              config.pacedCap(),
              period,
              u -> turn(base, u, timings));
      out.println("    besides the load: " + background.between(pacedStart, System.nanoTime()));
      warmUp(background, "paced warm-up bare", users, period, u -> bare(bareUri));
      bareServerNanos.clear();
      long bareStart = System.nanoTime();
      Phase pacedBare =
          run(
              "paced bare",
              users,
              config.maxPacedTurns(),
              config.pacedCap(),
              period,
              u -> bare(bareUri));
      out.println("    besides the load: " + background.between(bareStart, System.nanoTime()));

      long[] pacedBareServer = bareServerNanos.stream().mapToLong(Long::longValue).toArray();
      timings.stampDeltas(true);
      List<Long> discarded = java.util.Collections.synchronizedList(new ArrayList<>());
      warmUp(
          background, "paced warm-up SSE turns", users, period, u -> sseTurn(base, u, discarded));
      timings.drainRelays();
      List<Long> relays = java.util.Collections.synchronizedList(new ArrayList<>());
      long sseStart = System.nanoTime();
      Phase sse =
          run(
              "paced SSE turns",
              users,
              config.maxPacedTurns(),
              config.sseCap(),
              period,
              u -> sseTurn(base, u, relays));
      timings.stampDeltas(false);
      out.println("    besides the load: " + background.between(sseStart, System.nanoTime()));
      List<Long> serverRelays = timings.drainRelays();
      return new InProcess(
          saturatedTurns,
          saturatedBare,
          pacedTurns,
          pacedBare,
          rate,
          Percentiles.of(relays.stream().mapToLong(Long::longValue).toArray()),
          Percentiles.of(serverRelays.stream().mapToLong(Long::longValue).toArray()),
          Percentiles.of(pacedBareServer),
          sse.samples().size(),
          sse.errors());
    } finally {
      if (background != null) {
        background.close();
      }
      if (bare != null) {
        bare.stop();
      }
      server.close();
    }
  }

  /**
   * Before a paced phase: the same requests at the same rate for {@code pacedWarmup}, not measured.
   * Right after the saturated phases the JIT compilers were seen compiling about one core's worth
   * for some 15 s (JFR's compilation and deoptimization events), and the paced latencies were
   * raised until they stopped; {@code pacedWarmupSeconds=0} skips the warm-up.
   */
  private void warmUp(
      BackgroundWork background, String name, List<User> users, long period, Action action)
      throws InterruptedException {
    if (config.pacedWarmup().isZero()) {
      out.println("  " + name + ": none");
      return;
    }
    long start = System.nanoTime();
    run(name, users, Integer.MAX_VALUE, config.pacedWarmup(), period, action);
    out.println("    besides the load: " + background.between(start, System.nanoTime()));
  }

  /** A bare Javalin route doing one select through the server's own pool and database. */
  private static Javalin startBare(VaultDatabase database, Queue<Long> serverNanos) {
    QueuedThreadPool threads = new QueuedThreadPool(1_200, 8, 60_000);
    threads.setName("bare-http");
    return Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.jetty.threadPool = threads;
              // The same measure of the server's request time as NexusServer's observer gets.
              config.requestLogger.http(
                  (ctx, milliseconds) -> serverNanos.add((long) (milliseconds * 1_000_000.0)));
              config.routes.get(
                  "/bare",
                  ctx -> {
                    int value =
                        database
                            .jdbi()
                            .withHandle(
                                h ->
                                    h.createQuery("select :v")
                                        .bind("v", 1)
                                        .mapTo(Integer.class)
                                        .one());
                    ctx.contentType("application/json").result("{\"value\":" + value + "}");
                  });
            })
        .start("127.0.0.1", 0);
  }

  /** One simulated user: token, conversation, turn counter. */
  static final class User {
    final int index;
    final String id;
    final String token;
    String conversation;
    int turnsInConversation;
    long nextStart;

    User(int index, String id, String token, String conversation) {
      this.index = index;
      this.id = id;
      this.token = token;
      this.conversation = conversation;
    }
  }

  private User setUp(URI base, int index) throws IOException, InterruptedException {
    String email = "load" + index + "@bench.example";
    String token = tokenFor(base, email);
    JsonNode authorize =
        json(
            send(
                get(base.resolve("/api/connections/gmail/authorize"), token)
                    .header("Accept", "application/json")
                    .build()),
            200);
    URI consent = URI.create(authorize.get("authorization_url").asText());
    HttpResponse<String> redirect = send(HttpRequest.newBuilder(consent).GET().build());
    if (redirect.statusCode() != 302) {
      throw new IllegalStateException("the fake consent answered " + redirect.statusCode());
    }
    URI callback = URI.create(redirect.headers().firstValue("Location").orElseThrow());
    json(
        send(
            HttpRequest.newBuilder(
                    base.resolve(callback.getRawPath() + "?" + callback.getRawQuery()))
                .header("Accept", "application/json")
                .GET()
                .build()),
        200);
    return new User(index, "sandbox|" + email, token, newConversation(base, token));
  }

  String tokenFor(URI base, String email) throws IOException, InterruptedException {
    return json(
            send(post(base.resolve("/sandbox/token"), null, Map.of("email", email)).build()), 200)
        .get("access_token")
        .asText();
  }

  String newConversation(URI base, String token) throws IOException, InterruptedException {
    return json(
            send(post(base.resolve("/api/conversations"), token, Map.of("title", "load")).build()),
            201)
        .get("id")
        .asText();
  }

  private void rotate(URI base, User user) throws IOException, InterruptedException {
    if (user.turnsInConversation >= config.turnsPerConversation()) {
      user.conversation = newConversation(base, user.token);
      user.turnsInConversation = 0;
    }
    user.turnsInConversation++;
  }

  /** One chat turn as one JSON document; the total is the client's round trip. */
  private Sample turn(URI base, User user, TurnTimings timings)
      throws IOException, InterruptedException {
    rotate(base, user);
    HttpRequest request =
        post(
                base.resolve("/api/conversations/" + user.conversation + "/messages"),
                user.token,
                Map.of("text", TURN_TEXT))
            .build();
    long start = System.nanoTime();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    long end = System.nanoTime();
    if (response.statusCode() != 200 || !response.body().contains("\"gmail_read_latest\"")) {
      throw new IllegalStateException("turn answered " + response.statusCode());
    }
    TurnTimings.Timing timing =
        timings.take(user.id).orElseThrow(() -> new IllegalStateException("no server timing"));
    if (timing.toolCalls != 1 || timing.modelCalls != 2) {
      throw new IllegalStateException(
          "expected 1 tool call and 2 model calls, saw "
              + timing.toolCalls
              + " and "
              + timing.modelCalls);
    }
    return new Sample(
        end - start,
        end - timing.authenticatedAt,
        timing.modelNanos,
        timing.providerNanos,
        timing.storageNanos,
        timing.storageCalls,
        timing.conversationReadNanos,
        timing.conversationWriteNanos,
        timing.auditNanos,
        timing.serverNanos);
  }

  private Sample bare(URI uri) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build();
    long start = System.nanoTime();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    long end = System.nanoTime();
    if (response.statusCode() != 200 || !response.body().contains("\"value\":1")) {
      throw new IllegalStateException("bare route answered " + response.statusCode());
    }
    return new Sample(end - start, end - start, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  /** One chat turn as server-sent events, read line by line; records each delta's relay time. */
  private Sample sseTurn(URI base, User user, List<Long> relays)
      throws IOException, InterruptedException {
    rotate(base, user);
    HttpRequest request =
        post(
                base.resolve("/api/conversations/" + user.conversation + "/messages"),
                user.token,
                Map.of("text", TURN_TEXT))
            .header("Accept", "text/event-stream")
            .build();
    long start = System.nanoTime();
    HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
    boolean done = false;
    int deltas = 0;
    try (Stream<String> lines = response.body()) {
      Iterator<String> it = lines.iterator();
      while (it.hasNext()) {
        String line = it.next();
        long read = System.nanoTime();
        if (line.startsWith("data: ")) {
          Matcher m = STAMP.matcher(line);
          if (m.find()) {
            relays.add(read - Long.parseLong(m.group(1)));
            deltas++;
          }
        } else if (line.equals("event: done")) {
          done = true;
        }
      }
    }
    long end = System.nanoTime();
    if (response.statusCode() != 200 || !done || deltas == 0) {
      throw new IllegalStateException("stream answered " + response.statusCode());
    }
    return new Sample(end - start, end - start, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  @FunctionalInterface
  interface Action {
    Sample run(User user) throws Exception;
  }

  /**
   * Runs {@code action} from one thread per user until {@code maxOps} operations or {@code cap}.
   * With {@code periodNanos} 0 every user sends its next request as soon as the previous answered
   * (saturation); otherwise each user starts one request per period, at a random phase.
   */
  Phase run(
      String name, List<User> users, int maxOps, Duration cap, long periodNanos, Action action)
      throws InterruptedException {
    AtomicInteger remaining = new AtomicInteger(maxOps);
    AtomicInteger errors = new AtomicInteger();
    AtomicLong firstError = new AtomicLong();
    long start = System.nanoTime();
    long deadline = start + cap.toNanos();
    List<List<Sample>> perUser = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (User user : users) {
      List<Sample> mine = new ArrayList<>();
      perUser.add(mine);
      user.nextStart =
          start + (periodNanos == 0 ? 0 : ThreadLocalRandom.current().nextLong(periodNanos));
      Thread thread =
          new Thread(
              () -> {
                while (System.nanoTime() < deadline && remaining.getAndDecrement() > 0) {
                  if (periodNanos > 0) {
                    long wait = user.nextStart - System.nanoTime();
                    if (wait > 0) {
                      try {
                        TimeUnit.NANOSECONDS.sleep(wait);
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                    user.nextStart = Math.max(user.nextStart + periodNanos, System.nanoTime());
                  }
                  try {
                    mine.add(action.run(user));
                  } catch (Exception e) {
                    if (errors.getAndIncrement() == 0) {
                      firstError.set(1);
                      out.println("  first error in " + name + ": " + e);
                    }
                    if (errors.get() > 50) {
                      return;
                    }
                  }
                }
              },
              "load-user-" + user.index);
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join(cap.toMillis() + 120_000);
    }
    long wall = System.nanoTime() - start;
    List<Sample> all = new ArrayList<>();
    perUser.forEach(all::addAll);
    Phase phase = new Phase(name, all, errors.get(), wall);
    out.printf(
        Locale.ROOT,
        "  %s: %d ok, %d errors in %.1f s (%.0f/s)%n",
        name,
        all.size(),
        errors.get(),
        wall / 1e9,
        phase.perSecond());
    return phase;
  }

  void printInProcess(InProcess r) {
    out.println();
    out.println("== chat turns, " + config.users() + " users, \"" + TURN_TEXT + "\"");
    printTurns("saturated (no think time)", r.saturatedTurns(), r.saturatedBare());
    out.printf(
        Locale.ROOT,
        "paced at %.0f turns/s in total (%.0f%% of the saturated rate):%n",
        r.pacedRate(),
        config.pacedLoad() * 100);
    printTurns("paced", r.pacedTurns(), r.pacedBare());
    Percentiles ownServer = r.pacedTurns().of(Sample::ownServerSideNanos);
    out.println("  server side, as Javalin's request logger measures each request:");
    out.println("    OWN = server time - model - provider " + ownServer);
    out.println("    bare route, server time      " + r.bareServerSide());
    out.printf(
        Locale.ROOT,
        "    ratio own/bare (server side): p50 %.2f, p99 %.2f%n",
        ownServer.p50Ms() / r.bareServerSide().p50Ms(),
        ownServer.p99Ms() / r.bareServerSide().p99Ms());
    out.println();
    out.printf(
        Locale.ROOT,
        "== SSE relay of a model delta (%d paced SSE turns, %d errors): %s%n",
        r.sseTurns(),
        r.sseErrors(),
        r.sseRelay());
    out.println(
        "   server side, emitted to written and flushed to the socket: " + r.sseServerRelay());
  }

  private void printTurns(String label, Phase turns, Phase bare) {
    Percentiles own = turns.of(Sample::ownNanos);
    Percentiles bareRt = bare.of(Sample::totalNanos);
    out.printf(
        Locale.ROOT,
        "%s: %.0f turns/s (%d turns, %d errors); bare route %.0f req/s (%d, %d errors)%n",
        label,
        turns.perSecond(),
        turns.samples().size(),
        turns.errors(),
        bare.perSecond(),
        bare.samples().size(),
        bare.errors());
    out.println("  turn round trip (client)      " + turns.of(Sample::totalNanos));
    out.println("  model time                    " + turns.of(Sample::modelNanos));
    out.println("  provider (Gmail tool) time    " + turns.of(Sample::providerNanos));
    out.println("  OWN = round trip - model - provider " + own);
    out.println("  own, from authentication      " + turns.of(Sample::ownFromAuthNanos));
    out.printf(
        Locale.ROOT,
        "  of own: storage (conversation store, audit appends, vault reads; %.1f calls/turn) %s%n",
        turns.samples().stream().mapToInt(Sample::storageCalls).average().orElse(0),
        turns.of(Sample::storageNanos));
    out.println("    conversation reads          " + turns.of(Sample::conversationReadNanos));
    out.println("    conversation writes         " + turns.of(Sample::conversationWriteNanos));
    out.println("    audit appends               " + turns.of(Sample::auditNanos));
    out.println("  of own: the rest (own - storage) " + turns.of(Sample::ownWithoutStorageNanos));
    out.println("  bare route round trip         " + bareRt);
    out.printf(
        Locale.ROOT,
        "  ratio own/bare: p50 %.2f, p99 %.2f%n",
        own.p50Ms() / bareRt.p50Ms(),
        own.p99Ms() / bareRt.p99Ms());
  }

  // ------------------------------------------------------------------ memory with open streams

  void runMemory() throws Exception {
    Path data = Files.createTempDirectory(config.workDirectory(), "nexus-hold-");
    Path portFile = data.resolve("port");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String flag : config.holdJvmFlags().trim().split("\\s+")) {
      if (!flag.isEmpty()) {
        command.add(flag);
      }
    }
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            StreamHoldServer.class.getName(),
            data.resolve("data").toString(),
            portFile.toString()));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectErrorStream(true);
    builder.redirectOutput(data.resolve("server.log").toFile());
    out.println();
    out.println(
        "== memory: "
            + config.streams()
            + " open streams; server JVM flags: "
            + config.holdJvmFlags());
    Process process = builder.start();
    OutputStream stdin = process.getOutputStream();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!Files.exists(portFile)) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          throw new IllegalStateException("the hold server did not start; see " + data);
        }
        Thread.sleep(50);
      }
      String[] pidPort = Files.readString(portFile).trim().split(" ");
      long pid = Long.parseLong(pidPort[0]);
      URI base = URI.create("http://127.0.0.1:" + pidPort[1]);
      out.println("  idle after start: " + status(pid));

      int usersNeeded = Math.max(1, (config.streams() + 9) / 10);
      List<String> tokens = new ArrayList<>();
      for (int i = 0; i < usersNeeded; i++) {
        tokens.add(tokenFor(base, "hold" + i + "@bench.example"));
      }
      List<String[]> streams = new ArrayList<>();
      for (int i = 0; i < config.streams(); i++) {
        String token = tokens.get(i % tokens.size());
        streams.add(new String[] {token, newConversation(base, token)});
      }
      out.println(
          "  after set-up ("
              + tokens.size()
              + " users, "
              + streams.size()
              + " conversations): "
              + status(pid));

      CountDownLatch first = new CountDownLatch(streams.size());
      CountDownLatch finished = new CountDownLatch(streams.size());
      AtomicInteger completedOk = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      java.util.concurrent.atomic.AtomicReference<String> firstFailure =
          new java.util.concurrent.atomic.AtomicReference<>();
      long openStart = System.nanoTime();
      for (String[] s : streams) {
        HttpRequest request =
            post(
                    base.resolve("/api/conversations/" + s[1] + "/messages"),
                    s[0],
                    Map.of("text", "hello"))
                .header("Accept", "text/event-stream")
                .timeout(Duration.ofMinutes(3))
                .build();
        http.sendAsync(
                request,
                HttpResponse.BodyHandlers.fromLineSubscriber(
                    new FirstEvent(first, finished, completedOk)))
            .whenComplete(
                (r, e) -> {
                  if (e != null) {
                    failed.incrementAndGet();
                    firstFailure.compareAndSet(null, e.toString());
                    finished.countDown();
                  }
                });
      }
      boolean all = first.await(120, TimeUnit.SECONDS);
      out.printf(
          Locale.ROOT,
          "  %s streams had their first event after %.1f s%n",
          all
              ? "all " + streams.size()
              : (streams.size() - first.getCount()) + " of " + streams.size(),
          (System.nanoTime() - openStart) / 1e9);
      if (failed.get() > 0) {
        out.println(
            "  "
                + failed.get()
                + " stream requests failed before an answer, the first with "
                + firstFailure.get());
      }
      out.println("  with the streams open: " + status(pid));
      Thread.sleep(3_000);
      out.println("  3 s later, still open: " + status(pid));
      out.println(
          "  its embedded PostgreSQL meanwhile (separate processes, not in the JVM's RSS): "
              + postgresMemory(data.resolve("data")));
      stdin.write("release\n".getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      boolean ended = finished.await(60, TimeUnit.SECONDS);
      out.println(
          "  released: "
              + completedOk.get()
              + " streams ended with 'done'"
              + (ended ? "" : " (some still open after 60 s)"));
    } finally {
      try {
        stdin.write("stop\n".getBytes(StandardCharsets.UTF_8));
        stdin.close();
      } catch (IOException ignored) {
        // already gone
      }
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** Counts the first {@code event:} line and the end of each stream. */
  private static final class FirstEvent implements Flow.Subscriber<String> {
    private final CountDownLatch first;
    private final CountDownLatch finished;
    private final AtomicInteger completedOk;
    private boolean seen;
    private boolean done;

    FirstEvent(CountDownLatch first, CountDownLatch finished, AtomicInteger completedOk) {
      this.first = first;
      this.finished = finished;
      this.completedOk = completedOk;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
      if (!seen && line.startsWith("event: ")) {
        seen = true;
        first.countDown();
      }
      if (line.equals("event: done")) {
        done = true;
      }
    }

    @Override
    public void onError(Throwable throwable) {
      finished.countDown();
    }

    @Override
    public void onComplete() {
      if (done) {
        completedOk.incrementAndGet();
      }
      finished.countDown();
    }
  }

  /**
   * VmRSS, VmHWM and the thread count of a process, from /proc, and its proportional set size (Pss:
   * each shared page divided among the processes that map it).
   */
  static String status(long pid) throws IOException {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      String[] kv = line.split(":\\s+", 2);
      if (kv.length == 2 && List.of("VmRSS", "VmHWM", "Threads").contains(kv[0])) {
        fields.put(kv[0], kv[1].trim());
      }
    }
    fields.put("Pss", kilobytes(pid, "smaps_rollup", "Pss:") + " kB");
    return fields.toString();
  }

  /**
   * The postmaster whose command line names {@code data} and its children: their summed Pss (what
   * they take together, shared memory counted once) and their summed RSS (shared pages counted in
   * every process).
   */
  private static String postgresMemory(Path data) {
    long pss = 0;
    long rss = 0;
    int count = 0;
    try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      List<ProcessHandle> postmasters =
          all.filter(p -> p.info().command().orElse("").endsWith("/postgres"))
              .filter(p -> commandLine(p.pid()).contains(data.toString()))
              .toList();
      List<ProcessHandle> family = new ArrayList<>(postmasters);
      postmasters.forEach(p -> p.descendants().forEach(family::add));
      for (ProcessHandle p : family) {
        try {
          long processPss = kilobytes(p.pid(), "smaps_rollup", "Pss:");
          long processRss = kilobytes(p.pid(), "status", "VmRSS:");
          pss += processPss;
          rss += processRss;
          count++;
        } catch (IOException | UncheckedIOException e) {
          // the process ended meanwhile
        }
      }
    }
    return count
        + " processes, "
        + pss / 1024
        + " MB Pss together ("
        + rss / 1024
        + " MB summed RSS, shared pages counted per process)";
  }

  /** The number of kB on the line of {@code /proc/<pid>/<file>} that starts with {@code key}. */
  private static long kilobytes(long pid, String file, String key) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), file))) {
      if (line.startsWith(key)) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    throw new IOException("no " + key + " in /proc/" + pid + "/" + file);
  }

  private static String commandLine(long pid) {
    try {
      return new String(
          Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
          StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  // ------------------------------------------------------------------ start time of the jar

  void runStartup() throws Exception {
    out.println();
    out.println("== sandbox start time: java -jar " + config.serverJar());
    Path data = Files.createTempDirectory(config.workDirectory(), "nexus-start-");
    for (String label : List.of("fresh data directory", "initialised data directory")) {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      ProcessBuilder builder =
          new ProcessBuilder(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-jar",
              config.serverJar().toString());
      builder.environment().put("NEXUS_DATA_DIR", data.resolve("nexus").toString());
      builder.environment().put("NEXUS_PORT", Integer.toString(port));
      builder.redirectErrorStream(true);
      builder.redirectOutput(
          data.resolve("server-" + (label.startsWith("fresh") ? 1 : 2) + ".log").toFile());
      long start = System.nanoTime();
      Process process = builder.start();
      long deadline = start + TimeUnit.SECONDS.toNanos(120);
      URI health = URI.create("http://127.0.0.1:" + port + "/health");
      long up = -1;
      while (System.nanoTime() < deadline && process.isAlive()) {
        try {
          HttpResponse<String> r =
              http.send(
                  HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(1)).build(),
                  HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) {
            up = System.nanoTime() - start;
            break;
          }
        } catch (IOException e) {
          // not listening yet
        }
        Thread.sleep(20);
      }
      out.printf(
          Locale.ROOT,
          "  %s: %s%n",
          label,
          up < 0
              ? "did not answer /health within 120 s"
              : String.format(Locale.ROOT, "%.2f s to /health 200", up / 1e9));
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  // ------------------------------------------------------------------ HTTP helpers

  private static HttpRequest.Builder get(URI uri, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private static HttpRequest.Builder post(URI uri, String token, Object body) {
    HttpRequest.Builder b;
    try {
      b =
          HttpRequest.newBuilder(uri)
              .timeout(Duration.ofSeconds(60))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response, int expected) throws IOException {
    if (response.statusCode() != expected) {
      throw new IllegalStateException(
          response.request().uri().getPath() + " answered " + response.statusCode());
    }
    return JSON.readTree(response.body());
  }
}
