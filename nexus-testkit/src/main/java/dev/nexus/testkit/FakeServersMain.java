package dev.nexus.testkit;

import dev.nexus.testkit.auth0.FakeAuth0Server;
import dev.nexus.testkit.gemini.FakeGeminiServer;
import dev.nexus.testkit.gemini.GeminiReply;
import dev.nexus.testkit.gmail.FakeGmailServer;
import dev.nexus.testkit.notion.FakeNotionServer;
import dev.nexus.testkit.openfga.FakeOpenFgaServer;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * Starts every fake server of the testkit on loopback (127.0.0.1, free ports), prints one line per
 * fake to standard output, {@code NAME BASE_URL}, and runs until killed; a shutdown hook stops the
 * fakes. Run it with {@code java -cp <testkit classpath> dev.nexus.testkit.FakeServersMain}.
 *
 * <p>To add a fake, add one line to {@link #registered()}: a supplier that starts the fake and
 * returns it as a {@link FakeServer} (implement the interface, or wrap with {@link FakeServer#of}).
 * The order of that list is the order of the printed lines.
 */
public final class FakeServersMain {

  private FakeServersMain() {}

  /** The registration point: one supplier per fake, each starting it on a free loopback port. */
  static List<Supplier<FakeServer>> registered() {
    return List.of(
        FakeServersMain::auth0,
        FakeServersMain::openFga,
        FakeServersMain::notion,
        FakeServersMain::gemini,
        FakeServersMain::gmail);
  }

  public static void main(String[] args) throws InterruptedException {
    Running running = start(registered(), System.out);
    Runtime.getRuntime().addShutdownHook(new Thread(running::close, "fake-servers-shutdown"));
    System.err.println(running.servers().size() + " fake servers running; stop with Ctrl-C");
    new CountDownLatch(1).await();
  }

  /**
   * Starts the fakes in order and prints {@code NAME BASE_URL} for each to {@code out}. If one
   * fails to start, those already started are stopped and the failure is rethrown.
   */
  public static Running start(List<Supplier<FakeServer>> fakes, PrintStream out) {
    Objects.requireNonNull(fakes, "fakes");
    Objects.requireNonNull(out, "out");
    Running running = new Running();
    try {
      for (Supplier<FakeServer> fake : fakes) {
        running.add(Objects.requireNonNull(fake.get(), "a fake server supplier returned null"));
      }
    } catch (RuntimeException | Error e) {
      running.close();
      throw e;
    }
    for (FakeServer server : running.servers()) {
      out.println(server.name() + " " + server.baseUrl());
    }
    out.flush();
    return running;
  }

  /** The fakes started by {@link #start}; closing it stops them in reverse order, once. */
  public static final class Running implements AutoCloseable {

    private final List<FakeServer> servers = new ArrayList<>();
    private boolean closed;

    private Running() {}

    private synchronized void add(FakeServer server) {
      servers.add(server);
    }

    /** The running fakes, in start order. */
    public synchronized List<FakeServer> servers() {
      return List.copyOf(servers);
    }

    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      for (int i = servers.size() - 1; i >= 0; i--) {
        servers.get(i).close();
      }
    }
  }

  private static FakeServer auth0() {
    FakeAuth0Server server = FakeAuth0Server.start();
    return FakeServer.of("auth0", URI.create(server.baseUrl()), server::close);
  }

  private static FakeServer openFga() {
    FakeOpenFgaServer server = FakeOpenFgaServer.start();
    return FakeServer.of("openfga", URI.create(server.baseUrl()), server::close);
  }

  private static FakeServer notion() {
    FakeNotionServer server = FakeNotionServer.start();
    server.seedNewInstallations(true);
    return FakeServer.of("notion", URI.create(server.baseUrl()), server::close);
  }

  private static FakeServer gemini() {
    FakeGeminiServer server = FakeGeminiServer.start();
    server.fallback(
        GeminiReply.text(
            "This is FakeGeminiServer. ", "Nothing was scripted, so this is its canned answer."));
    return FakeServer.of("gemini", URI.create(server.baseUrl()), server::close);
  }

  private static FakeServer gmail() {
    FakeGmailServer server = FakeGmailServer.start();
    // Accounts that connect through the fake consent page find a realistic mailbox.
    server.seedNewAccounts(true);
    String base = server.baseUrl();
    return FakeServer.of("gmail", URI.create(base.substring(0, base.length() - 1)), server::close);
  }
}
