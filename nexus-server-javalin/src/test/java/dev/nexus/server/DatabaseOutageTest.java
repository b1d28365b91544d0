package dev.nexus.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database goes away under a running server: the embedded PostgreSQL is shut down (fast mode,
 * which cuts the server's pooled connections), and health and API requests must then answer 503
 * with Retry-After, as problem+json for the API, without naming the database or its credentials.
 */
@EnabledOnOs(OS.LINUX)
class DatabaseOutageTest {

  @TempDir Path data;

  @Test
  void withTheDatabaseDown_healthAndApiAnswer503WithRetryAfter() throws Exception {
    SandboxServices fakes = SandboxServices.start(Clock.systemUTC());
    TestServer nexus = TestServer.start(TestServer.sandboxEnv(data), fakes);
    try {
      String token = nexus.token("outage@example.com", null, null);
      String conversation = nexus.newConversation(token);
      assertThat(nexus.get("/health", null).status()).isEqualTo(200);

      stopPostgres(data.resolve("postgres"));

      // Each waits for the pool's connection timeout (10 s by default), so they run side by side.
      CompletableFuture<TestServer.Response> health =
          CompletableFuture.supplyAsync(() -> nexus.get("/health", null));
      CompletableFuture<TestServer.Response> list =
          CompletableFuture.supplyAsync(() -> nexus.get("/api/conversations", token));
      CompletableFuture<TestServer.Response> turn =
          CompletableFuture.supplyAsync(
              () ->
                  nexus.post(
                      "/api/conversations/" + conversation + "/messages",
                      token,
                      Map.of("text", "Read my latest 5 emails")));

      TestServer.Response down = health.get(60, TimeUnit.SECONDS);
      assertThat(down.status()).isEqualTo(503);
      assertThat(down.header("Retry-After")).matches("[1-9]\\d*");
      assertThat(down.json().get("database").asText()).isEqualTo("down");

      for (TestServer.Response response :
          new TestServer.Response[] {
            list.get(60, TimeUnit.SECONDS), turn.get(60, TimeUnit.SECONDS)
          }) {
        assertThat(response.status()).isEqualTo(503);
        assertThat(response.header("Retry-After")).matches("[1-9]\\d*");
        assertThat(response.contentType()).startsWith("application/problem+json");
        JsonNode body = response.json();
        assertThat(body.get("type").asText()).isEqualTo("https://nexus.dev/problems/unavailable");
        assertThat(body.get("detail").asText()).isNotBlank();
        assertThat(response.body())
            .doesNotContainIgnoringCase("jdbc")
            .doesNotContainIgnoringCase("password")
            .doesNotContain("127.0.0.1");
      }
    } finally {
      try {
        nexus.close();
      } finally {
        fakes.close();
      }
    }
  }

  /** Fast shutdown of the embedded PostgreSQL through its postmaster's pid file. */
  private static void stopPostgres(Path dataDirectory) throws IOException, InterruptedException {
    long pid = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0));
    // The shell's own kill: Java sends only TERM and KILL, and TERM waits for clients to leave.
    Process kill = new ProcessBuilder("sh", "-c", "kill -INT " + pid).inheritIO().start();
    assertThat(kill.waitFor()).isZero();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      assertThat(System.nanoTime()).as("PostgreSQL stops").isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
