package dev.nexus.server;

import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.error.NexusException;
import dev.nexus.server.http.NexusServer;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/** Starts the Nexus server from environment variables; see docs/configuration.md. */
public final class Main {

  /** The exit status when a setting is missing or invalid. */
  static final int BAD_CONFIGURATION = 2;

  /** The exit status when a configured service cannot be used at start, such as the database. */
  static final int CANNOT_START = 1;

  private Main() {}

  public static void main(String[] args) {
    Instant started = Instant.now();
    ServerSettings settings;
    Components components;
    try {
      settings = ServerSettings.fromEnvironment();
      components = Wiring.assemble(settings);
    } catch (NexusException e) {
      // The operator gets one line naming the setting; a stack trace would bury it.
      System.err.println(cannotStart(e));
      System.exit(e instanceof ConfigurationException ? BAD_CONFIGURATION : CANNOT_START);
      return;
    }
    NexusServer server = NexusServer.start(components, settings);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "nexus-shutdown"));
    printWelcome(System.out, server, settings, Duration.between(started, Instant.now()));
  }

  /**
   * The one line printed when the server cannot start: the message (which names the setting and
   * never a secret) and, for a failing service, the type of the underlying failure.
   */
  static String cannotStart(NexusException e) {
    String line = "nexus: cannot start: " + e.getMessage();
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (e instanceof ConfigurationException || root == e) {
      return line;
    }
    return line + " (" + root.getClass().getSimpleName() + ")";
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
    out.println("Try it (copy and paste into a POSIX shell with curl):");
    out.println("  # 1. a token for a sandbox user (a personal workspace on first use)");
    out.println(
        "  TOKEN=$(curl -s -X POST "
            + url
            + "/sandbox/token -H 'Content-Type: application/json' \\");
    out.println(
        "    -d '{\"email\":\"ada@example.com\"}'"
            + " | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')");
    out.println("  # 2. a conversation");
    out.println(
        "  CONV=$(curl -s -X POST "
            + url
            + "/api/conversations -H \"Authorization: Bearer $TOKEN\" \\");
    out.println("    | sed -E 's/.*\"id\":\"([^\"]+)\".*/\\1/')");
    out.println(
        "  # 3. connect the sandbox Gmail and Notion (the fakes consent at once; 200 is done)");
    for (String provider : new String[] {"gmail", "notion"}) {
      out.println(
          "  curl -s -L -o /dev/null -w '"
              + provider
              + ": %{http_code}\\n' -H \"Authorization: Bearer $TOKEN\" \\");
      out.println("    " + url + "/api/connections/" + provider + "/authorize");
    }
    out.println("  # 4. chat, streamed as server-sent events");
    out.println(
        "  curl -s -N -H \"Authorization: Bearer $TOKEN\" -H 'Accept: text/event-stream' \\");
    out.println(
        "    -H 'Content-Type: application/json' -d '{\"text\":\"Read my latest 5 emails\"}' \\");
    out.println("    " + url + "/api/conversations/$CONV/messages");
    out.println("  # 5. a send parks for approval; approve it and the mail goes out once");
    out.println(
        "  curl -s -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' \\");
    out.println("    -d '{\"text\":\"Send an email to test@example.com saying hello\"}' \\");
    out.println("    " + url + "/api/conversations/$CONV/messages");
    out.println(
        "  APPROVAL=$(curl -s -H \"Authorization: Bearer $TOKEN\" '"
            + url
            + "/api/approvals?status=pending' \\");
    out.println("    | sed -E 's/.*\"approval_id\":\"([^\"]+)\".*/\\1/')");
    out.println(
        "  curl -s -X POST -H \"Authorization: Bearer $TOKEN\" "
            + url
            + "/api/approvals/$APPROVAL/approve");
    out.println();
  }
}
