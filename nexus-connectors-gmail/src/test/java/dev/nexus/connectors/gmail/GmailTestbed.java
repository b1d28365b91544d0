package dev.nexus.connectors.gmail;

import dev.nexus.core.identity.Principal;
import dev.nexus.core.tool.Tool;
import dev.nexus.core.tool.ToolCall;
import dev.nexus.core.tool.ToolCallId;
import dev.nexus.core.tool.ToolContext;
import dev.nexus.core.tool.ToolResult;
import dev.nexus.core.vault.GrantKey;
import dev.nexus.core.vault.GrantStatus;
import dev.nexus.core.vault.OAuthGrant;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.core.vault.Secret;
import dev.nexus.testkit.Fixtures;
import dev.nexus.testkit.MutableClock;
import dev.nexus.testkit.gmail.FakeGmailServer;
import dev.nexus.testkit.gmail.FakeGmailServer.IssuedGrant;
import dev.nexus.testkit.gmail.Mailbox;
import dev.nexus.testkit.memory.InMemoryTokenVault;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The Gmail connector wired to a {@link FakeGmailServer}: a member "alice" of "acme" whose grant
 * (issued by the fake's OAuth endpoints, refreshed through them) sits in an in-memory vault, and
 * her seeded mailbox. Retries wait milliseconds so tests stay fast.
 */
final class GmailTestbed implements AutoCloseable {

  static final String ALICE = "alice@gmail.test";

  final MutableClock clock = new MutableClock();
  final FakeGmailServer fake = FakeGmailServer.start(clock);
  final GmailSettings settings;
  final GmailToolkit toolkit;
  final InMemoryTokenVault vault;
  final Principal alice = Fixtures.inMemory().member("acme", "alice");
  final Mailbox mailbox;
  final ToolContext context;

  GmailTestbed() {
    this(FakeGmailServer.TOOL_SCOPES, Duration.ofSeconds(2));
  }

  GmailTestbed(Set<String> scopes, Duration maxRetryWait) {
    settings =
        GmailSettings.defaults(
                GoogleOAuthSettings.google(
                        FakeGmailServer.DEFAULT_CLIENT_ID,
                        Secret.of(FakeGmailServer.DEFAULT_CLIENT_SECRET))
                    .withEndpointsAt(fake.baseUri()))
            .withApiRoot(fake.baseUri())
            .withRetries(2, Duration.ofMillis(5), maxRetryWait)
            .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2));
    toolkit = new GmailToolkit(settings, clock);
    vault = new InMemoryTokenVault(clock, toolkit.googleOAuth());
    IssuedGrant grant = fake.issueGrant(ALICE, scopes);
    vault.store(
        new OAuthGrant(
            GrantKey.of(alice, ProviderId.GMAIL),
            Secret.of(grant.accessToken()),
            Secret.of(grant.refreshToken()),
            clock.instant().plus(FakeGmailServer.ACCESS_TOKEN_LIFETIME),
            grant.scopes(),
            ALICE,
            GrantStatus.ACTIVE,
            clock.instant()));
    mailbox = fake.account(ALICE).seed();
    context = new ToolContext(alice, vault, clock);
  }

  /** Runs a tool as alice, with arguments as the model would give them. */
  ToolResult call(String tool, Map<String, Object> arguments) {
    Tool found = toolkit.tool(tool).orElseThrow();
    return found.execute(context, new ToolCall(ToolCallId.random(), tool, arguments).args());
  }

  /** Alice's current access token in the vault. */
  String currentToken() {
    return vault.find(GrantKey.of(alice, ProviderId.GMAIL)).orElseThrow().accessToken().reveal();
  }

  /** The id of alice's seeded message with this subject. */
  String idOf(String subject) {
    return mailbox.messages().stream()
        .filter(m -> m.header("Subject").equals(subject))
        .findFirst()
        .orElseThrow()
        .id();
  }

  @Override
  public void close() {
    toolkit.close();
    fake.close();
  }
}
