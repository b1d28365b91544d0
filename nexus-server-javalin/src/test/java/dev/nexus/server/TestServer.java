package dev.nexus.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.vault.GrantKey;
import dev.nexus.core.vault.OAuthGrant;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.server.http.NexusServer;
import dev.nexus.vault.VaultDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A Nexus server started for a test on a free loopback port, with a small HTTP client that speaks
 * its API. Sandbox services may be shared between servers, like real services between nodes.
 */
final class TestServer implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  final NexusServer server;
  final Components components;
  final ServerSettings settings;
  final URI base;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private TestServer(NexusServer server, Components components, ServerSettings settings) {
    this.server = server;
    this.components = components;
    this.settings = settings;
    this.base = URI.create("http://127.0.0.1:" + server.port());
  }

  /** Environment for a sandbox on a free port with its data under {@code dataDir}. */
  static Map<String, String> sandboxEnv(Path dataDir) {
    Map<String, String> env = new HashMap<>();
    env.put("NEXUS_PORT", "0");
    env.put("NEXUS_DATA_DIR", dataDir.toString());
    return env;
  }

  static TestServer start(Map<String, String> env, SandboxServices shared) {
    return start(env, shared, UnaryOperator.identity());
  }

  /** As {@link #start(Map, SandboxServices)}, with the assembled components changed first. */
  static TestServer start(
      Map<String, String> env, SandboxServices shared, UnaryOperator<Components> change) {
    ServerSettings settings = ServerSettings.from(env);
    Components components = change.apply(Wiring.assemble(settings, shared));
    return new TestServer(NexusServer.start(components, settings), components, settings);
  }

  record Response(int status, Map<String, List<String>> headers, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .findFirst()
          .map(e -> e.getValue().get(0))
          .orElse(null);
    }

    String contentType() {
      return header("Content-Type");
    }
  }

  Response send(String method, String path, String token, String body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.headers().map(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Response get(String path, String token, String... headers) {
    return send("GET", path, token, null, headers);
  }

  Response post(String path, String token, Object body, String... headers) {
    try {
      return send("POST", path, token, body == null ? "" : JSON.writeValueAsString(body), headers);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A sandbox token for {@code email}, in {@code organization} with {@code role} if given. */
  String token(String email, String organization, String role) {
    Map<String, Object> body = new HashMap<>();
    body.put("email", email);
    if (organization != null) {
      body.put("organization", organization);
    }
    if (role != null) {
      body.put("role", role);
    }
    Response response = post("/sandbox/token", null, body);
    if (response.status() != 200) {
      throw new AssertionError("sandbox token failed: " + response.body());
    }
    return response.json().get("access_token").asText();
  }

  String newConversation(String token) {
    Response response = post("/api/conversations", token, Map.of("title", "test"));
    if (response.status() != 201) {
      throw new AssertionError("conversation failed: " + response.body());
    }
    return response.json().get("id").asText();
  }

  /** Connects the provider through the real redirect flow: authorize, fake consent, callback. */
  void connect(String token, String provider) {
    Response done = get(consentCallback(token, provider), null, "Accept", "application/json");
    if (done.status() != 200) {
      throw new AssertionError("callback failed: " + done.body());
    }
  }

  /**
   * Starts a connection and consents at the fake provider; returns the callback's path and query
   * (for this node or any other), not yet called.
   */
  String consentCallback(String token, String provider) {
    Response authorize =
        get("/api/connections/" + provider + "/authorize", token, "Accept", "application/json");
    if (authorize.status() != 200) {
      throw new AssertionError("authorize failed: " + authorize.body());
    }
    URI consent = URI.create(authorize.json().get("authorization_url").asText());
    try {
      HttpResponse<String> redirect =
          http.send(
              HttpRequest.newBuilder(consent).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (redirect.statusCode() != 302) {
        throw new AssertionError(
            "consent answered " + redirect.statusCode() + ": " + redirect.body());
      }
      URI callback = URI.create(redirect.headers().firstValue("Location").orElseThrow());
      return callback.getRawPath() + "?" + callback.getRawQuery();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Posts a chat message and returns the turn as one JSON document. */
  JsonNode chat(String token, String conversation, String text) {
    Response response =
        post("/api/conversations/" + conversation + "/messages", token, Map.of("text", text));
    if (response.status() != 200) {
      throw new AssertionError("chat failed: " + response.status() + " " + response.body());
    }
    return response.json();
  }

  /** One server-sent event. */
  record Sse(String event, JsonNode data) {}

  /** Posts a chat message asking for server-sent events and parses the stream. */
  List<Sse> chatStream(String token, String conversation, String text, String... headers) {
    List<String> all = new ArrayList<>(List.of("Accept", "text/event-stream"));
    all.addAll(List.of(headers));
    Response response =
        post(
            "/api/conversations/" + conversation + "/messages",
            token,
            Map.of("text", text),
            all.toArray(new String[0]));
    if (response.status() != 200 || !response.contentType().startsWith("text/event-stream")) {
      throw new AssertionError("stream failed: " + response.status() + " " + response.body());
    }
    return parseSse(response.body());
  }

  static List<Sse> parseSse(String body) {
    List<Sse> events = new ArrayList<>();
    for (String frame : body.split("\n\n")) {
      String name = null;
      String data = null;
      for (String line : frame.split("\n")) {
        if (line.startsWith("event: ")) {
          name = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = line.substring(6);
        }
      }
      if (name != null && data != null) {
        try {
          events.add(new Sse(name, JSON.readTree(data)));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return events;
  }

  /** Posts to any turn route (messages, approve, deny) asking for server-sent events. */
  List<Sse> stream(String path, String token, Object body, String... headers) {
    List<String> all = new ArrayList<>(List.of("Accept", "text/event-stream"));
    all.addAll(List.of(headers));
    Response response = post(path, token, body, all.toArray(new String[0]));
    if (response.status() != 200 || !response.contentType().startsWith("text/event-stream")) {
      throw new AssertionError("stream failed: " + response.status() + " " + response.body());
    }
    return parseSse(response.body());
  }

  /** The grant the caller of {@code token} holds for {@code provider}, read from the vault. */
  Optional<OAuthGrant> findGrant(String token, ProviderId provider) {
    JsonNode me = get("/api/me", token).json();
    return components
        .vault()
        .find(
            new GrantKey(
                OrganizationId.of(me.get("organization").asText()),
                UserId.of(me.get("user").asText()),
                provider));
  }

  /** As {@link #findGrant}, failing when the vault holds no such grant. */
  OAuthGrant grant(String token, ProviderId provider) {
    return findGrant(token, provider)
        .orElseThrow(() -> new AssertionError("the vault holds no " + provider + " grant"));
  }

  /**
   * Asserts that {@code response} is an {@code application/problem+json} answer of {@code status}
   * whose type is {@code https://nexus.dev/problems/<type>}; returns its body.
   */
  static JsonNode assertProblem(Response response, int status, String type) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.contentType()).startsWith("application/problem+json");
    JsonNode body = response.json();
    assertThat(body.get("type").asText()).isEqualTo("https://nexus.dev/problems/" + type);
    assertThat(body.get("status").asInt()).isEqualTo(status);
    return body;
  }

  /** The embedded or configured PostgreSQL this server runs on. */
  VaultDatabase database() {
    return components.resources().stream()
        .filter(VaultDatabase.class::isInstance)
        .map(VaultDatabase.class::cast)
        .findFirst()
        .orElseThrow(() -> new AssertionError("the server holds no VaultDatabase"));
  }

  @Override
  public void close() {
    server.close();
  }
}
