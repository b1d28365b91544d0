package dev.nexus.server;

import static java.util.Objects.requireNonNull;

import dev.nexus.testkit.auth0.FakeAuth0Server;
import dev.nexus.testkit.gemini.FakeGeminiServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Sandbox fakes and a {@link TestServer} on them, started before a test class's tests and closed
 * after them, with the server's data in a temporary directory of its own. A class registers one in
 * a static {@code @RegisterExtension} field and states only what differs from a plain sandbox: the
 * services to start first, the environment and the components.
 */
final class SandboxExtension implements BeforeAllCallback, AfterAllCallback {

  private final List<StartedService<?>> first;
  private final Consumer<Map<String, String>> env;
  private final UnaryOperator<Components> change;
  private Path dataDir;
  private SandboxServices fakes;
  private TestServer nexus;

  /** A plain sandbox, as {@link TestServer#sandboxEnv(Path)} describes it. */
  SandboxExtension() {
    this(List.of(), env -> {}, UnaryOperator.identity());
  }

  private SandboxExtension(
      List<StartedService<?>> first,
      Consumer<Map<String, String>> env,
      UnaryOperator<Components> change) {
    this.first = List.copyOf(first);
    this.env = env;
    this.change = change;
  }

  /**
   * A sandbox whose sign-in is a fake Auth0 tenant's, started first, issuing tokens for {@code
   * audience} to the page's client {@code spaClient}.
   */
  static SandboxExtension signingInAt(
      StartedService<FakeAuth0Server> tenant, String audience, String spaClient) {
    return new SandboxExtension()
        .startingFirst(tenant)
        .env(
            env -> {
              env.put("NEXUS_AUTH0_DOMAIN", tenant.get().baseUrl());
              env.put("NEXUS_AUTH0_AUDIENCE", audience);
              env.put("NEXUS_AUTH0_SPA_CLIENT_ID", spaClient);
            });
  }

  /** A sandbox whose Gemini client talks to a fake Gemini, started first. */
  static SandboxExtension withGemini(StartedService<FakeGeminiServer> gemini) {
    return new SandboxExtension()
        .startingFirst(gemini)
        .env(env -> env.put("NEXUS_GEMINI_BASE_URL", gemini.get().baseUrl()));
  }

  /** This sandbox with {@code service} started before its fakes and closed after its server. */
  SandboxExtension startingFirst(StartedService<?> service) {
    requireNonNull(service, "service");
    List<StartedService<?>> services = new ArrayList<>(first);
    services.add(service);
    return new SandboxExtension(services, env, change);
  }

  /**
   * This sandbox with {@code override} applied to its environment when it starts, after the
   * services started first, so that it may name them.
   */
  SandboxExtension env(Consumer<Map<String, String>> override) {
    requireNonNull(override, "override");
    return new SandboxExtension(first, env.andThen(override), change);
  }

  /** This sandbox with its assembled components changed by {@code override} before it starts. */
  SandboxExtension components(UnaryOperator<Components> override) {
    requireNonNull(override, "override");
    return new SandboxExtension(first, env, components -> override.apply(change.apply(components)));
  }

  TestServer nexus() {
    return started(nexus);
  }

  SandboxServices fakes() {
    return started(fakes);
  }

  /** The server's data directory (its embedded PostgreSQL among the rest). */
  Path dataDir() {
    return started(dataDir);
  }

  private static <T> T started(T part) {
    if (part == null) {
      throw new IllegalStateException("the sandbox runs only from before all tests to after them");
    }
    return part;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    for (StartedService<?> service : first) {
      service.start();
    }
    dataDir = Files.createTempDirectory("nexus-sandbox-");
    Map<String, String> environment = TestServer.sandboxEnv(dataDir);
    env.accept(environment);
    fakes = SandboxServices.start(Clock.systemUTC());
    nexus = TestServer.start(environment, fakes, change);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    // Closed in the reverse order of starting: the server, the fakes, the services, the data.
    List<AutoCloseable> parts = new ArrayList<>();
    parts.add(nexus);
    parts.add(fakes);
    for (int i = first.size() - 1; i >= 0; i--) {
      parts.add(first.get(i));
    }
    Path data = dataDir;
    if (data != null) {
      parts.add(() -> deleteTree(data));
    }
    nexus = null;
    fakes = null;
    dataDir = null;

    Exception failure = null;
    for (AutoCloseable part : parts) {
      try {
        if (part != null) {
          part.close();
        }
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static void deleteTree(Path root) throws IOException {
    List<Path> deepestFirst;
    try (Stream<Path> paths = Files.walk(root)) {
      deepestFirst = paths.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path path : deepestFirst) {
      Files.deleteIfExists(path);
    }
  }
}
