package dev.nexus.server;

import static java.util.Objects.requireNonNull;

import java.util.function.Supplier;

/**
 * A service a {@link SandboxExtension} starts before its fakes and its server, so that the server's
 * environment may name it, and closes after them.
 */
final class StartedService<T extends AutoCloseable> implements AutoCloseable {

  private final Supplier<T> start;
  private T service;

  StartedService(Supplier<T> start) {
    this.start = requireNonNull(start, "start");
  }

  T get() {
    if (service == null) {
      throw new IllegalStateException("the service runs only from before all tests to after them");
    }
    return service;
  }

  void start() {
    service = start.get();
  }

  @Override
  public void close() throws Exception {
    T closing = service;
    service = null;
    if (closing != null) {
      closing.close();
    }
  }
}
