package dev.nexus.bench.notion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nexus.connectors.notion.NotionSettings;
import dev.nexus.connectors.notion.NotionToolkit;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Principal;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.tool.Tool;
import dev.nexus.core.tool.ToolArguments;
import dev.nexus.core.tool.ToolCall;
import dev.nexus.core.tool.ToolCallId;
import dev.nexus.core.tool.ToolContext;
import dev.nexus.core.tool.ToolResult;
import dev.nexus.core.vault.GrantKey;
import dev.nexus.core.vault.IssuedTokens;
import dev.nexus.core.vault.OAuthGrant;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.core.vault.Secret;
import dev.nexus.testkit.memory.InMemoryTokenVault;
import dev.nexus.testkit.notion.FakeNotionServer;
import dev.nexus.testkit.notion.NotionWorkspace;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reads a Notion page of 200 blocks from {@link FakeNotionServer} two ways in one run: through the
 * connector's {@code notion_read_page} tool (vault lookup, retry policy, rendering to text), and as
 * the same three HTTP requests made directly with the same OkHttp client (the page, then the blocks
 * in two pages of 100, each parsed with Jackson to follow the cursor). The difference is what the
 * connector adds; the target is at most 10% at p50.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 4)
// The JDK HTTP server behind the fake answers in two TCP segments; without TCP_NODELAY, Nagle and
// delayed ACKs on a kept-alive connection add up to 40 ms per request and drown what is measured.
@Fork(value = 1, jvmArgsAppend = "-Dsun.net.httpserver.nodelay=true")
public class NotionReadPageBenchmark {

  private static final int BLOCKS = 200;

  private FakeNotionServer server;
  private OkHttpClient http;
  private ObjectMapper json;
  private String pageId;
  private String accessToken;
  private HttpUrl api;
  private Tool readPage;
  private ToolContext context;
  private ToolArguments arguments;

  @Setup(Level.Trial)
  public void setUp() {
    server = FakeNotionServer.start();
    NotionWorkspace workspace = server.createWorkspace("Bench");
    pageId = workspace.createLongPage(null, "Two hundred blocks", BLOCKS);
    FakeNotionServer.Tokens tokens = server.issueTokens(workspace);
    accessToken = tokens.accessToken();
    api = HttpUrl.get(server.apiBaseUrl());
    json = new ObjectMapper();
    http = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();

    NotionSettings settings =
        NotionSettings.atBase(
            URI.create(server.baseUrl()),
            FakeNotionServer.CLIENT_ID,
            Secret.of(FakeNotionServer.CLIENT_SECRET));
    NotionToolkit toolkit = new NotionToolkit(settings, http);
    Clock clock = Clock.systemUTC();
    InMemoryTokenVault vault = new InMemoryTokenVault(clock, toolkit.notionOAuthProvider());
    Principal principal =
        new Principal(UserId.of("bench-user"), OrganizationId.of("bench-org"), Role.MEMBER);
    vault.store(
        OAuthGrant.issued(
            GrantKey.of(principal, ProviderId.NOTION),
            new IssuedTokens(
                Secret.of(tokens.accessToken()),
                Secret.of(tokens.refreshToken()),
                null,
                Set.of(),
                "Bench"),
            clock.instant()));
    context = new ToolContext(principal, vault, clock);
    readPage =
        toolkit.tools().stream()
            .filter(tool -> tool.spec().name().equals("notion_read_page"))
            .findFirst()
            .orElseThrow();
    arguments =
        new ToolCall(ToolCallId.random(), "notion_read_page", Map.of("page_id", pageId)).args();

    // Both arms must do the same work: check once that each reads every block.
    ToolResult result = connector();
    if (!result.isSuccess() || !result.content().contains("Paragraph " + BLOCKS + " of")) {
      throw new IllegalStateException("the connector did not read the whole page");
    }
    if (directOkHttp() != BLOCKS) {
      throw new IllegalStateException("the direct reader did not read every block");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    server.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  @Benchmark
  public ToolResult connector() {
    return readPage.execute(context, arguments);
  }

  /** The page and its children through OkHttp alone; answers how many blocks it read. */
  @Benchmark
  public int directOkHttp() {
    JsonNode page = fetch(api.newBuilder().addPathSegments("pages/" + pageId).build());
    int blocks = page.path("id").asText().isEmpty() ? -1 : 0;
    String cursor = null;
    do {
      HttpUrl.Builder url =
          api.newBuilder()
              .addPathSegments("blocks/" + pageId + "/children")
              .addQueryParameter("page_size", "100");
      if (cursor != null) {
        url.addQueryParameter("start_cursor", cursor);
      }
      JsonNode list = fetch(url.build());
      blocks += list.path("results").size();
      cursor = list.path("has_more").asBoolean() ? list.path("next_cursor").asText() : null;
    } while (cursor != null);
    return blocks;
  }

  private JsonNode fetch(HttpUrl url) {
    Request request =
        new Request.Builder()
            .url(url)
            .header("Authorization", "Bearer " + accessToken)
            .header("Notion-Version", NotionSettings.NOTION_VERSION)
            .header("Accept", "application/json")
            .build();
    try (Response response = http.newCall(request).execute()) {
      if (!response.isSuccessful()) {
        throw new IllegalStateException("the fake answered HTTP " + response.code());
      }
      return json.readTree(response.body().string());
    } catch (IOException e) {
      throw new IllegalStateException("the fake did not answer", e);
    }
  }
}
