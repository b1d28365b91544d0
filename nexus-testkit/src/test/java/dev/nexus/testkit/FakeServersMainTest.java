package dev.nexus.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class FakeServersMainTest {

  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
  private final List<String> stopped = new ArrayList<>();

  @Test
  void start_printsOneNameAndBaseUrlLinePerFakeInOrder() {
    List<Supplier<FakeServer>> stubs =
        List.of(
            stub("stub-one", "http://127.0.0.1:40001"), stub("stub-two", "http://127.0.0.1:40002"));

    try (FakeServersMain.Running running = FakeServersMain.start(stubs, out)) {

      assertThat(lines())
          .containsExactly("stub-one http://127.0.0.1:40001", "stub-two http://127.0.0.1:40002");
      assertThat(running.servers())
          .extracting(FakeServer::name)
          .containsExactly("stub-one", "stub-two");
    }
    assertThat(stopped).containsExactly("stub-two", "stub-one");
  }

  @Test
  void start_aFakeFailingToStart_stopsTheOnesAlreadyStarted() {
    Supplier<FakeServer> broken =
        () -> {
          throw new IllegalStateException("port in use");
        };
    List<Supplier<FakeServer>> fakes = List.of(stub("stub-one", "http://127.0.0.1:40001"), broken);

    assertThatThrownBy(() -> FakeServersMain.start(fakes, out))
        .isInstanceOf(IllegalStateException.class);
    assertThat(stopped).containsExactly("stub-one");
    assertThat(lines()).isEmpty();
  }

  @Test
  void close_twice_stopsEachFakeOnce() {
    FakeServersMain.Running running =
        FakeServersMain.start(List.of(stub("stub-one", "http://127.0.0.1:40001")), out);

    running.close();
    running.close();

    assertThat(stopped).containsExactly("stub-one");
  }

  @Test
  void registeredFakes_startOnLoopbackAndAnswer() throws Exception {
    try (FakeServersMain.Running running =
        FakeServersMain.start(FakeServersMain.registered(), out)) {

      List<String> lines = lines();
      assertThat(lines).hasSameSizeAs(FakeServersMain.registered());
      assertThat(lines)
          .allMatch(line -> line.matches("[a-z0-9-]+ http://127\\.0\\.0\\.1:\\d+(/[a-z0-9]+)?"));
      HttpClient client = HttpClient.newHttpClient();
      for (FakeServer server : running.servers()) {
        HttpResponse<Void> response =
            client.send(
                HttpRequest.newBuilder(server.baseUrl()).GET().build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(response.statusCode()).as(server.name()).isBetween(200, 499);
      }
    }
  }

  @Test
  void fakeServerName_withWhiteSpace_isRefused() {
    assertThatThrownBy(() -> FakeServer.of("two words", URI.create("http://127.0.0.1:1"), () -> {}))
        .hasMessageContaining("one word");
  }

  private Supplier<FakeServer> stub(String name, String url) {
    return () -> FakeServer.of(name, URI.create(url), () -> stopped.add(name));
  }

  private List<String> lines() {
    String text = printed.toString(StandardCharsets.UTF_8);
    return text.lines().toList();
  }
}
