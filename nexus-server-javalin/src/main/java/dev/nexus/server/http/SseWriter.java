package dev.nexus.server.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes server-sent events ({@code event:} and one {@code data:} line of JSON) and flushes each at
 * once. A client that went away is noted and later events are dropped; the turn still runs to its
 * end so nothing is left half done.
 */
final class SseWriter {

  private final OutputStream out;
  private final Json json;
  private boolean gone;

  SseWriter(OutputStream out, Json json) {
    this.out = out;
    this.json = json;
  }

  synchronized void send(Views.Event event) {
    if (gone) {
      return;
    }
    String frame = "event: " + event.name() + "\ndata: " + json.write(event.data()) + "\n\n";
    try {
      out.write(frame.getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      gone = true;
    }
  }
}
