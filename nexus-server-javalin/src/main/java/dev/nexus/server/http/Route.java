package dev.nexus.server.http;

/** One route of the HTTP API, as registered and as documented in openapi.json. */
public record Route(String method, String path) {

  @Override
  public String toString() {
    return method + " " + path;
  }
}
