package dev.nexus.server;

import dev.nexus.core.error.ConfigurationException;
import dev.nexus.server.http.NexusServer;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/** Starts the Nexus server from environment variables; see docs/configuration.md. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    Instant started = Instant.now();
    ServerSettings settings;
    Components components;
    try {
      settings = ServerSettings.fromEnvironment();
      components = Wiring.assemble(settings);
    } catch (ConfigurationException e) {
      System.err.println("nexus: cannot start: " + e.getMessage());
      System.exit(2);
      return;
    }
    NexusServer server = NexusServer.start(components, settings);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "nexus-shutdown"));
    printWelcome(System.out, server, settings, Duration.between(started, Instant.now()));
  }

  static void printWelcome(
      PrintStream out, NexusServer server, ServerSettings settings, Duration startup) {
    String url = server.publicUrl().toString().replaceAll("/+$", "");
    out.println();
    out.println("Nexus is listening on " + url + " (started in " + startup.toMillis() + " ms)");
    if (settings.sandboxParts().isEmpty()) {
      out.println("Production mode: every part is configured.");
      return;
    }
    out.println("Sandbox parts in use: " + String.join("; ", settings.sandboxParts()));
    out.println();
    out.println("Try it (copy and paste):");
    out.println(
        "  TOKEN=$(curl -s -X POST "
            + url
            + "/sandbox/token -H 'Content-Type: application/json' \\");
    out.println(
        "    -d '{\"email\":\"ada@example.com\"}' | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')");
    out.println(
        "  CONV=$(curl -s -X POST "
            + url
            + "/api/conversations -H \"Authorization: Bearer $TOKEN\" \\");
    out.println("    | sed -E 's/.*\"id\":\"([^\"]+)\".*/\\1/')");
    out.println("  # connect the sandbox Gmail and Notion (the fake consents at once)");
    out.println(
        "  curl -s -L -H \"Authorization: Bearer $TOKEN\" "
            + url
            + "/api/connections/gmail/authorize");
    out.println(
        "  curl -s -L -H \"Authorization: Bearer $TOKEN\" "
            + url
            + "/api/connections/notion/authorize");
    out.println(
        "  curl -s -N -H \"Authorization: Bearer $TOKEN\" -H 'Accept: text/event-stream' \\");
    out.println(
        "    -H 'Content-Type: application/json' -d '{\"text\":\"Read my latest 5 emails\"}' \\");
    out.println("    " + url + "/api/conversations/$CONV/messages");
    out.println(
        "  curl -s -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' \\");
    out.println(
        "    -d '{\"text\":\"Send an email to test@example.com saying hello\"}' "
            + url
            + "/api/conversations/$CONV/messages");
    out.println("  # then approve the parked call with the approval id it printed:");
    out.println(
        "  curl -s -X POST -H \"Authorization: Bearer $TOKEN\" "
            + url
            + "/api/approvals/<id>/approve");
    out.println();
  }
}
