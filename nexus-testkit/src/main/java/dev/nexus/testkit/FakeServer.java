package dev.nexus.testkit;

import dev.nexus.core.error.InvalidInputException;
import java.net.URI;
import java.util.Objects;

/**
 * A running fake of a remote service (OpenFGA, Auth0, Gmail, Notion, Gemini), listening on
 * loopback. {@link FakeServersMain} starts every registered fake and prints its {@link #name()} and
 * {@link #baseUrl()}.
 */
public interface FakeServer extends AutoCloseable {

  /** A short name without white space, for example {@code auth0}. */
  String name();

  /** Where it listens, for example {@code http://127.0.0.1:41234}. */
  URI baseUrl();

  /** Stops it; calling it twice is harmless. */
  @Override
  void close();

  /**
   * Wraps a fake that does not implement this interface itself: {@code stop} is run on {@link
   * #close()}.
   */
  static FakeServer of(String name, URI baseUrl, Runnable stop) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(stop, "stop");
    if (name.isEmpty() || !name.chars().noneMatch(Character::isWhitespace)) {
      throw new InvalidInputException("a fake server name must be one word");
    }
    return new FakeServer() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public URI baseUrl() {
        return baseUrl;
      }

      @Override
      public void close() {
        stop.run();
      }

      @Override
      public String toString() {
        return "FakeServer[" + name + " " + baseUrl + "]";
      }
    };
  }
}
