package dev.nexus.bench.server;

import dev.nexus.core.model.LanguageModel;
import dev.nexus.core.model.ModelRequest;
import dev.nexus.core.model.ModelResponse;
import dev.nexus.server.Components;
import dev.nexus.server.ServerSettings;
import dev.nexus.server.Wiring;
import dev.nexus.server.http.NexusServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A sandbox server in its own JVM for the memory measurement: its model writes one text delta and
 * then holds the turn open until the driver writes {@code release} on standard input (or two
 * minutes pass), so every chat request is an open server-sent event stream. Arguments: the data
 * directory and a file to write the port to. {@code stop} or the end of standard input stops it.
 */
public final class StreamHoldServer {

  private StreamHoldServer() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("NEXUS_PORT", "0");
    env.put("NEXUS_DATA_DIR", args[0]);
    env.putIfAbsent("NEXUS_TURNS_PER_USER_PER_MINUTE", "100000");
    env.putIfAbsent("NEXUS_TURNS_PER_ORG_PER_MINUTE", "1000000");
    ServerSettings settings = ServerSettings.from(env);
    Components built = Wiring.assemble(settings);
    CountDownLatch release = new CountDownLatch(1);
    Components components = built.withDefaultModel(new HoldingModel(release));
    NexusServer server = NexusServer.start(components, settings);
    Path portFile = Path.of(args[1]);
    Path partial = portFile.resolveSibling(portFile.getFileName() + ".tmp");
    Files.writeString(partial, Long.toString(ProcessHandle.current().pid()) + " " + server.port());
    Files.move(partial, portFile);
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.equals("release")) {
          release.countDown();
        } else if (line.equals("stop")) {
          break;
        }
      }
    } finally {
      release.countDown();
      server.close();
    }
  }

  /** Writes one delta, then waits for the release (at most two minutes) and ends the answer. */
  private record HoldingModel(CountDownLatch release) implements LanguageModel {
    @Override
    public ModelResponse generate(ModelRequest request, Consumer<String> onTextDelta) {
      onTextDelta.accept("held ");
      try {
        release.await(2, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      onTextDelta.accept("released");
      return ModelResponse.text("held released");
    }
  }
}
