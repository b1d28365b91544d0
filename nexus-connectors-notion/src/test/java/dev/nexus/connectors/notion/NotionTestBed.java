package dev.nexus.connectors.notion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.core.identity.Principal;
import dev.nexus.core.tool.Tool;
import dev.nexus.core.tool.ToolCall;
import dev.nexus.core.tool.ToolCallId;
import dev.nexus.core.tool.ToolContext;
import dev.nexus.core.tool.ToolResult;
import dev.nexus.core.vault.GrantKey;
import dev.nexus.core.vault.IssuedTokens;
import dev.nexus.core.vault.OAuthGrant;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.core.vault.Secret;
import dev.nexus.testkit.Fixtures;
import dev.nexus.testkit.memory.InMemoryTokenVault;
import dev.nexus.testkit.notion.FakeNotionServer;
import dev.nexus.testkit.notion.NotionWorkspace;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * A Notion toolkit wired to a fresh {@link FakeNotionServer}: one seeded workspace, a member of
 * "acme" whose Notion grant (issued by the fake) sits in an {@link InMemoryTokenVault} that
 * refreshes through the real {@link NotionOAuthProvider}, and a sleeper that records retry waits
 * instead of sleeping.
 */
final class NotionTestBed implements AutoCloseable {

  final FakeNotionServer server = FakeNotionServer.start();
  final NotionWorkspace workspace = server.createWorkspace("Acme Notion");
  final NotionWorkspace.Seeded seeded = workspace.seed();
  final FakeNotionServer.Tokens tokens = server.issueTokens(workspace);
  final Fixtures fixtures = Fixtures.inMemory();
  final Principal alice = fixtures.member("acme", "alice");
  final List<Duration> waits = new CopyOnWriteArrayList<>();
  final NotionSettings settings;
  final NotionToolkit toolkit;
  final InMemoryTokenVault vault;
  final ToolContext context;

  NotionTestBed() {
    this(settings -> settings);
  }

  NotionTestBed(UnaryOperator<NotionSettings> adjust) {
    this((settings, seeded) -> adjust.apply(settings));
  }

  NotionTestBed(BiFunction<NotionSettings, NotionWorkspace.Seeded, NotionSettings> adjust) {
    settings =
        adjust.apply(
            NotionSettings.atBase(
                    URI.create(server.baseUrl()),
                    FakeNotionServer.CLIENT_ID,
                    Secret.of(FakeNotionServer.CLIENT_SECRET))
                .withRetries(3, Duration.ofMillis(10), Duration.ofSeconds(5))
                .withCallTimeout(Duration.ofSeconds(5)),
            seeded);
    toolkit = new NotionToolkit(settings, NotionClient.defaultHttpClient(settings), waits::add);
    vault = new InMemoryTokenVault(fixtures.clock(), toolkit.notionOAuthProvider());
    vault.store(
        OAuthGrant.issued(
            grantKey(),
            new IssuedTokens(
                Secret.of(tokens.accessToken()),
                Secret.of(tokens.refreshToken()),
                null,
                Set.of(),
                workspace.name()),
            fixtures.clock().instant()));
    context = new ToolContext(alice, vault, fixtures.clock());
  }

  GrantKey grantKey() {
    return GrantKey.of(alice, ProviderId.NOTION);
  }

  Tool tool(String name) {
    return toolkit.tools().stream()
        .filter(tool -> tool.spec().name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  /** Calls a tool as the runtime does: arguments are checked against its schema first. */
  ToolResult call(String name, Map<String, Object> arguments) {
    Tool tool = tool(name);
    assertThat(tool.spec().parameters().violations(arguments)).as("arguments").isEmpty();
    ToolCall call = new ToolCall(ToolCallId.random(), name, arguments);
    return tool.execute(context, call.args());
  }

  @Override
  public void close() {
    server.close();
  }
}
