package dev.nexus.server.http;

/**
 * Hears of every request the server answered, once its answer is written, on the thread that served
 * it. For embedding applications that keep their own metrics or traces; it must be quick and must
 * not throw. It is told the route template (such as {@code /api/conversations/{id}}), never the
 * path, so it sees no identifiers.
 */
@FunctionalInterface
public interface RequestObserver {

  /** Observes nothing. */
  RequestObserver NONE = (method, route, status, nanos) -> {};

  /**
   * @param method the HTTP method
   * @param route the matched route template, {@code static} for the web files, {@code unmatched}
   *     otherwise
   * @param status the status code sent
   * @param nanos the server's time from taking the request to writing the answer, as Javalin's
   *     request logger measures it
   */
  void answered(String method, String route, int status, long nanos);
}
