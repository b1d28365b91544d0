package dev.nexus.bench.gmail;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.apache.v2.ApacheHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.ListMessagesResponse;
import com.google.api.services.gmail.model.Message;
import dev.nexus.connectors.gmail.GmailSettings;
import dev.nexus.connectors.gmail.GmailToolkit;
import dev.nexus.connectors.gmail.GoogleOAuthSettings;
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
import dev.nexus.testkit.gmail.FakeGmailServer;
import dev.nexus.testkit.gmail.FakeGmailServer.IssuedGrant;
import dev.nexus.testkit.memory.InMemoryTokenVault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * Lists the latest 20 messages of a mailbox served by {@link FakeGmailServer}, two ways in one run:
 * through the connector's {@code gmail_read_latest} tool (vault lookup, scope check, the retry and
 * error policy, a Gmail client per call, rendering the text for the model), and as the same 21 HTTP
 * requests made directly with the Gmail client library (one {@code messages.list} of INBOX, then
 * {@code messages.get} with {@code format=metadata} and the From, Subject and Date headers for each
 * message) on the same kind of transport. The difference is what the connector adds; the target is
 * at most 10% at p50.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 4)
@Fork(value = 1, jvmArgsAppend = "-Dsun.net.httpserver.nodelay=true")
public class GmailReadLatestBenchmark {

  private static final int COUNT = 20;
  private static final String ACCOUNT = "bench@gmail.test";

  private FakeGmailServer server;
  private GmailToolkit toolkit;
  private Tool readLatest;
  private ToolContext context;
  private ToolArguments arguments;
  private HttpTransport directTransport;
  private Gmail direct;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    server = FakeGmailServer.start();
    server.account(ACCOUNT).seedMany(60);
    IssuedGrant grant = server.issueGrant(ACCOUNT, FakeGmailServer.TOOL_SCOPES);

    GmailSettings settings =
        GmailSettings.defaults(
                GoogleOAuthSettings.google(
                        FakeGmailServer.DEFAULT_CLIENT_ID,
                        Secret.of(FakeGmailServer.DEFAULT_CLIENT_SECRET))
                    .withEndpointsAt(server.baseUri()))
            .withApiRoot(server.baseUri());
    Clock clock = Clock.systemUTC();
    toolkit = new GmailToolkit(settings, clock);
    InMemoryTokenVault vault = new InMemoryTokenVault(clock, toolkit.googleOAuth());
    Principal principal =
        new Principal(UserId.of("bench-user"), OrganizationId.of("bench-org"), Role.MEMBER);
    vault.store(
        OAuthGrant.issued(
            GrantKey.of(principal, ProviderId.GMAIL),
            new IssuedTokens(
                Secret.of(grant.accessToken()),
                Secret.of(grant.refreshToken()),
                clock.instant().plus(FakeGmailServer.ACCESS_TOKEN_LIFETIME),
                grant.scopes(),
                ACCOUNT),
            clock.instant()));
    context = new ToolContext(principal, vault, clock);
    readLatest = toolkit.tool("gmail_read_latest").orElseThrow();
    arguments =
        new ToolCall(ToolCallId.random(), "gmail_read_latest", Map.of("count", COUNT)).args();

    directTransport = new ApacheHttpTransport(ApacheHttpTransport.newDefaultHttpClient());
    String bearer = "Bearer " + grant.accessToken();
    direct =
        new Gmail.Builder(
                directTransport,
                GsonFactory.getDefaultInstance(),
                request -> request.getHeaders().setAuthorization(bearer))
            .setRootUrl(server.baseUrl())
            .setApplicationName("nexus-bench")
            .build();

    // Both arms must do the same work: check once that each reads 20 messages.
    ToolResult result = connector();
    if (!result.isSuccess() || !result.content().startsWith(COUNT + " messages:")) {
      throw new IllegalStateException("the connector did not list 20 messages");
    }
    if (directClient() != COUNT) {
      throw new IllegalStateException("the direct reader did not read 20 messages");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    toolkit.close();
    directTransport.shutdown();
    server.close();
  }

  @Benchmark
  public ToolResult connector() {
    return readLatest.execute(context, arguments);
  }

  /** The list and the 20 metadata reads through the Gmail client alone; answers how many. */
  @Benchmark
  public int directClient() {
    try {
      ListMessagesResponse listed =
          direct
              .users()
              .messages()
              .list("me")
              .setLabelIds(List.of("INBOX"))
              .setMaxResults((long) COUNT)
              .execute();
      int read = 0;
      for (Message stub : listed.getMessages()) {
        Message message =
            direct
                .users()
                .messages()
                .get("me", stub.getId())
                .setFormat("metadata")
                .setMetadataHeaders(List.of("From", "Subject", "Date"))
                .execute();
        read += message.getPayload() == null ? 0 : 1;
      }
      return read;
    } catch (IOException e) {
      throw new UncheckedIOException("the fake did not answer", e);
    }
  }
}
