package dev.nexus.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.testkit.gmail.StoredMessage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The welcome the sandbox prints: its URL is the server's, and its walkthrough works as pasted. */
class WelcomeWalkthroughTest {

  private static final Pattern URL = Pattern.compile("https?://[^\\s'\"]+");

  @RegisterExtension static final SandboxExtension sandbox = new SandboxExtension();
  @TempDir static Path data;
  static String url;
  static String welcome;

  @BeforeAll
  static void start() {
    url = "http://localhost:" + sandbox.nexus().server.port();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Main.printWelcome(
        out, sandbox.nexus().server, sandbox.nexus().settings, Duration.ofMillis(1234));
    welcome = bytes.toString(StandardCharsets.UTF_8);
  }

  /** The copy-paste part of the welcome, continuation lines joined, comments left out. */
  private static List<String> commands() {
    List<String> lines = welcome.lines().toList();
    int start = 0;
    while (!lines.get(start).startsWith("Try it")) {
      start++;
    }
    List<String> commands = new ArrayList<>();
    StringBuilder command = new StringBuilder();
    for (String line : lines.subList(start + 1, lines.size())) {
      String text = line.strip();
      if (text.isEmpty() || text.startsWith("#")) {
        continue;
      }
      if (text.endsWith("\\")) {
        command.append(text, 0, text.length() - 1);
        continue;
      }
      commands.add(command.append(text).toString());
      command.setLength(0);
    }
    return commands;
  }

  /** The OpenAPI operation ({@code METHOD /template}) a curl command calls. */
  private static String operation(String command, JsonNode paths) {
    Matcher target = URL.matcher(command);
    assertThat(target.find()).as("a URL in %s", command).isTrue();
    String path = target.group().substring(url.length()).replaceAll("\\?.*", "");
    Matcher method = Pattern.compile("-X (\\w+)").matcher(command);
    String verb = method.find() ? method.group(1) : command.contains(" -d ") ? "POST" : "GET";
    for (Iterator<String> names = paths.fieldNames(); names.hasNext(); ) {
      String template = names.next();
      String pattern = template.replaceAll("\\{[^}]+}", "[^/]+");
      if (path.matches(pattern) && paths.get(template).has(verb.toLowerCase())) {
        return verb + " " + template;
      }
    }
    throw new AssertionError("no route for " + verb + " " + path + " in " + command);
  }

  @Test
  void welcome_namesTheServersRealUrl() {
    assertThat(welcome).contains("Nexus is listening on " + url + " (started in 1234 ms)");
    Matcher urls = URL.matcher(welcome);
    int count = 0;
    while (urls.find()) {
      assertThat(urls.group()).matches(Pattern.quote(url) + "(/.*)?");
      count++;
    }
    assertThat(count).as("the listening line and the eight curl steps").isEqualTo(9);
  }

  @Test
  void everyStep_callsARouteOfTheApi_inTheWalkthroughsOrder() {
    JsonNode paths = sandbox.nexus().get("/openapi.json", null).json().get("paths");

    List<String> operations =
        commands().stream().filter(c -> c.contains("curl ")).map(c -> operation(c, paths)).toList();

    assertThat(operations)
        .containsExactly(
            "POST /sandbox/token",
            "POST /api/conversations",
            "GET /api/connections/{provider}/authorize",
            "GET /api/connections/{provider}/authorize",
            "POST /api/conversations/{id}/messages",
            "POST /api/conversations/{id}/messages",
            "GET /api/approvals",
            "POST /api/approvals/{id}/approve");
  }

  @Test
  void walkthrough_pastedIntoAShell_connectsReadsAndSendsOnceApproved() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "a POSIX shell");
    assumeTrue(
        shell("command -v curl && command -v sed", data.resolve("which.txt")).waitFor() == 0,
        "curl and sed");
    String script =
        String.join("\n", commands()) + "\necho; echo \"conversation=$CONV approval=$APPROVAL\"\n";

    Path log = data.resolve("walkthrough.txt");
    Process run = shell(script, log);
    assertThat(run.waitFor(120, TimeUnit.SECONDS)).as("the walkthrough finished").isTrue();
    String output = Files.readString(log, StandardCharsets.UTF_8);

    assertThat(run.exitValue()).as(output).isZero();
    assertThat(output).contains("gmail: 200", "notion: 200");
    assertThat(output).contains("event: tool_result", "\"tool\":\"gmail_read_latest\"");
    assertThat(output).contains("\"status\":\"awaiting_approval\"");
    assertThat(output).contains("\"tool\":\"gmail_send\",\"status\":\"success\"");
    assertThat(output).containsPattern("conversation=[0-9a-f-]{36} approval=[0-9a-f-]{36}");
    String token = sandbox.nexus().token("ada@example.com", null, null);
    assertThat(sandbox.nexus().get("/api/approvals?status=pending", token).json().get("approvals"))
        .isEmpty();
    List<StoredMessage> sent = sandbox.fakes().gmail().mailbox(gmailAccessToken(token)).sent();
    assertThat(sent)
        .filteredOn(mail -> "test@example.com".equals(mail.header("To")))
        .singleElement()
        .satisfies(mail -> assertThat(mail.text()).contains("hello"));
  }

  private static Process shell(String script, Path output) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder("/bin/sh", "-c", script)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    // The walkthrough talks to localhost; a proxy from the environment must not get in between.
    builder
        .environment()
        .keySet()
        .removeIf(name -> name.toLowerCase().endsWith("_proxy") || name.equalsIgnoreCase("proxy"));
    Process process = builder.start();
    process.getOutputStream().close();
    return process;
  }

  private static String gmailAccessToken(String token) {
    return sandbox.nexus().grant(token, ProviderId.GMAIL).accessToken().reveal();
  }
}
