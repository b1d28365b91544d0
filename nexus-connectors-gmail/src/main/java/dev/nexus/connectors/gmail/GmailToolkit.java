package dev.nexus.connectors.gmail;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.apache.v2.ApacheHttpTransport;
import com.google.api.client.json.JsonFactory;
import com.google.api.client.json.gson.GsonFactory;
import dev.nexus.core.tool.Tool;
import dev.nexus.core.tool.Toolkit;
import dev.nexus.core.vault.OAuthProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Gmail connector: eight tools over the Gmail API (search, read the latest, read one, send,
 * draft, reply, mark read or unread, trash) acting with each user's own OAuth grant, and the {@link
 * GoogleOAuthProvider} that grants them.
 *
 * <p>Requests go through the Gmail Java client on an Apache HTTP transport that never repeats a
 * request by itself, so the connector alone decides what is retried (see {@link GmailSettings}).
 * Each request is logged at DEBUG; each failed tool call is logged once at WARN, naming the tool
 * and the kind of failure, never addresses, content or tokens. Close the toolkit to release its
 * connections.
 *
 * <p>Limitations: lists fetch each message's headers with one request per message (no batch
 * endpoint); attachments are listed, never downloaded; mail is sent as plain text only.
 */
public final class GmailToolkit implements Toolkit, AutoCloseable {

  private final HttpTransport transport;
  private final GoogleOAuthProvider oauth;
  private final List<Tool> tools;

  /** A toolkit on the system clock. */
  public GmailToolkit(GmailSettings settings) {
    this(settings, Clock.systemUTC());
  }

  /** A toolkit whose OAuth provider computes token expiry with {@code clock}. */
  public GmailToolkit(GmailSettings settings, Clock clock) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(clock, "clock");
    this.transport = new ApacheHttpTransport(ApacheHttpTransport.newDefaultHttpClient());
    JsonFactory json = GsonFactory.getDefaultInstance();
    this.oauth =
        new GoogleOAuthProvider(settings.oauth(), settings.apiRoot(), transport, json, clock);
    GmailCalls calls = new GmailCalls(settings, transport, json);
    this.tools =
        List.of(
            new SearchTool(calls, settings),
            new ReadLatestTool(calls, settings),
            new ReadMessageTool(calls, settings),
            new SendTool(calls, settings),
            new CreateDraftTool(calls, settings),
            new ReplyTool(calls, settings),
            new MarkReadTool(calls, settings),
            new TrashTool(calls, settings));
  }

  @Override
  public String name() {
    return "gmail";
  }

  @Override
  public List<Tool> tools() {
    return tools;
  }

  /** The tool with this name, or empty. */
  public Optional<Tool> tool(String name) {
    return tools.stream().filter(t -> t.spec().name().equals(name)).findFirst();
  }

  @Override
  public Optional<OAuthProvider> oauthProvider() {
    return Optional.of(oauth);
  }

  /** Google's OAuth flow for Gmail, with its concrete type. */
  public GoogleOAuthProvider googleOAuth() {
    return oauth;
  }

  @Override
  public void close() {
    try {
      transport.shutdown();
    } catch (IOException e) {
      throw new UncheckedIOException("the Gmail HTTP transport could not be shut down", e);
    }
  }
}
