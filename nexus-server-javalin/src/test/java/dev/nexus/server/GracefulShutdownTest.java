package dev.nexus.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.model.LanguageModel;
import dev.nexus.core.model.ModelRequest;
import dev.nexus.core.model.ModelResponse;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing the server while a chat stream is open: new turns are refused with 503 and Retry-After,
 * the open stream runs to its end, and only then do the HTTP server, the pool and the embedded
 * PostgreSQL stop.
 */
class GracefulShutdownTest {

  @TempDir Path data;

  @Test
  void close_finishesTheOpenStream_refusesNewTurns_thenStopsEverything() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    SandboxServices fakes = SandboxServices.start(Clock.systemUTC());
    TestServer nexus =
        TestServer.start(
            TestServer.sandboxEnv(data),
            fakes,
            components -> components.withDefaultModel(new HoldingModel(entered, release)));
    Path postgres = data.resolve("postgres");
    long postmaster = Long.parseLong(Files.readAllLines(postgres.resolve("postmaster.pid")).get(0));
    CompletableFuture<Void> closed = null;
    try {
      String token = nexus.token("closing@example.com", null, null);
      String held = nexus.newConversation(token);
      String other = nexus.newConversation(token);
      HttpClient client = HttpClient.newHttpClient();
      CompletableFuture<HttpResponse<String>> stream =
          client.sendAsync(
              HttpRequest.newBuilder(nexus.base.resolve("/api/conversations/" + held + "/messages"))
                  .header("Authorization", "Bearer " + token)
                  .header("Accept", "text/event-stream")
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"hold on\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(entered.await(30, TimeUnit.SECONDS)).as("the held turn started").isTrue();

      closed = CompletableFuture.runAsync(nexus::close);

      // Until close() has begun a turn still runs (this model answers at once unless held).
      TestServer.Response refused = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < deadline) {
        TestServer.Response response =
            nexus.post("/api/conversations/" + other + "/messages", token, Map.of("text", "hi"));
        if (response.status() == 503) {
          refused = response;
          break;
        }
        assertThat(response.status()).isEqualTo(200);
        Thread.sleep(20);
      }
      assertThat(refused).as("a new turn is refused while closing").isNotNull();
      assertThat(refused.header("Retry-After")).matches("[1-9]\\d*");
      assertThat(refused.json().get("type").asText())
          .isEqualTo("https://nexus.dev/problems/shutting-down");
      assertThat(closed).as("close waits for the open stream").isNotDone();
      assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive)).contains(true);
      assertThat(postgres.resolve("postmaster.pid")).exists();

      release.countDown();
      HttpResponse<String> finished = stream.get(30, TimeUnit.SECONDS);
      assertThat(finished.statusCode()).isEqualTo(200);
      assertThat(finished.body()).contains("event: done").contains("released");

      closed.get(60, TimeUnit.SECONDS);
      assertThatThrownBy(() -> nexus.components.database().check()).isInstanceOf(Exception.class);
      // PostgreSQL removes its pid file when it has shut down cleanly.
      assertThat(postgres.resolve("postmaster.pid"))
          .as("the embedded PostgreSQL stopped")
          .doesNotExist();
      assertThatThrownBy(
              () ->
                  client.send(
                      HttpRequest.newBuilder(URI.create(nexus.base + "/health")).build(),
                      HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(ConnectException.class);
    } finally {
      release.countDown();
      if (closed == null) {
        nexus.close();
      }
      fakes.close();
    }
  }

  /** Answers at once, except a turn whose text starts with "hold", which waits to be released. */
  private record HoldingModel(CountDownLatch entered, CountDownLatch release)
      implements LanguageModel {
    @Override
    public ModelResponse generate(ModelRequest request, Consumer<String> onTextDelta) {
      String last = request.messages().get(request.messages().size() - 1).toString();
      if (last.contains("hold on")) {
        onTextDelta.accept("held ");
        entered.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        onTextDelta.accept("released");
        return ModelResponse.text("held released");
      }
      return ModelResponse.text("hello");
    }
  }
}
