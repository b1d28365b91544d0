package dev.nexus.bench.server;

import dev.nexus.core.audit.AuditEvent;
import dev.nexus.core.audit.AuditLog;
import dev.nexus.core.audit.AuditQuery;
import dev.nexus.core.audit.AuditRecord;
import dev.nexus.core.audit.ChainVerification;
import dev.nexus.core.authorization.CheckRequest;
import dev.nexus.core.conversation.ChatMessage;
import dev.nexus.core.conversation.Conversation;
import dev.nexus.core.conversation.ConversationId;
import dev.nexus.core.conversation.ConversationStore;
import dev.nexus.core.conversation.ConversationSummary;
import dev.nexus.core.identity.AuthenticationResult;
import dev.nexus.core.identity.Authenticator;
import dev.nexus.core.identity.Credential;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Principal;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.model.LanguageModel;
import dev.nexus.core.model.ModelRequest;
import dev.nexus.core.model.ModelResponse;
import dev.nexus.core.tool.Tool;
import dev.nexus.core.tool.ToolArguments;
import dev.nexus.core.tool.ToolContext;
import dev.nexus.core.tool.ToolResult;
import dev.nexus.core.tool.ToolSpec;
import dev.nexus.core.tool.Toolkit;
import dev.nexus.core.vault.AccessToken;
import dev.nexus.core.vault.GrantKey;
import dev.nexus.core.vault.OAuthGrant;
import dev.nexus.core.vault.OAuthProvider;
import dev.nexus.core.vault.TokenVault;
import dev.nexus.server.Components;
import dev.nexus.server.http.RequestObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * Delegating wrappers around the server's ports that split a request's time into model time and
 * provider (tool) time. Every part of a request runs on the Jetty thread that serves it, so the
 * wrappers find the request's {@link Timing} in a thread local that the authenticator wrapper (the
 * first port a {@code /api} request calls) opens. The driver then looks the timing up by user: each
 * simulated user has at most one request in flight.
 *
 * <p>Model time is the time inside {@link LanguageModel#generate} minus the time spent in the
 * server's delta consumer (which writes server-sent events: that is server work, not model work).
 * Provider time is the time inside {@link Tool#execute} minus the time the tool spent in the token
 * vault (a database read and a decryption: server work as well).
 *
 * <p>For the breakdown of the server's own time, the conversation store, the audit log's appends
 * and the vault's token reads are timed as "storage" (each is a PostgreSQL transaction).
 */
final class TurnTimings {

  /** The time split of one request; written by one server thread, read by the driver after. */
  static final class Timing {
    final long authenticatedAt;
    volatile long modelNanos;
    volatile long providerNanos;
    volatile long vaultInToolNanos;
    volatile long storageNanos;
    volatile long conversationReadNanos;
    volatile long conversationWriteNanos;
    volatile long auditNanos;
    volatile int storageCalls;
    volatile int modelCalls;
    volatile int toolCalls;
    volatile boolean inTool;

    /** The server's own measure of the whole request (Javalin's request time); 0 until known. */
    volatile long serverNanos;

    Timing(long authenticatedAt) {
      this.authenticatedAt = authenticatedAt;
    }
  }

  private static final ThreadLocal<Timing> CURRENT = new ThreadLocal<>();

  private final Map<String, Timing> byUser = new ConcurrentHashMap<>();
  private final Queue<Long> relayNanos = new ConcurrentLinkedQueue<>();
  private volatile boolean stampDeltas;

  /**
   * Hears the server's request time on the serving thread and files it with that request's timing.
   */
  RequestObserver observer() {
    return (method, route, status, nanos) -> {
      Timing timing = CURRENT.get();
      if (timing != null && route.startsWith("/api/")) {
        timing.serverNanos = nanos;
      }
    };
  }

  /**
   * The server-side relay times of stamped deltas since the last call: from the model emitting a
   * delta to the server's consumer returning, which for a stream means the event was written and
   * flushed to the socket.
   */
  List<Long> drainRelays() {
    List<Long> drained = new ArrayList<>();
    for (Long nanos = relayNanos.poll(); nanos != null; nanos = relayNanos.poll()) {
      drained.add(nanos);
    }
    return drained;
  }

  /** Whether the model wrapper prefixes each text delta with {@code [t<System.nanoTime()>]}. */
  void stampDeltas(boolean on) {
    this.stampDeltas = on;
  }

  /** The timing of the latest request of {@code user}, removed from the table. */
  Optional<Timing> take(String user) {
    return Optional.ofNullable(byUser.remove(user));
  }

  /** {@code components} with the authenticator, vault, toolkits and default model wrapped. */
  Components wrap(Components c) {
    return new Components(
        new TimedAuthenticator(c.authenticator()),
        c.directory(),
        c.authorizer(),
        c.relationships(),
        new TimedVault(c.vault()),
        c.connectionAttempts(),
        new TimedConversations(c.conversations()),
        c.approvals(),
        new TimedAudit(c.audit()),
        c.toolkits().stream().map(t -> (Toolkit) new TimedToolkit(t)).toList(),
        new TimedModel(c.defaultModel()),
        c.modelForApiKey(),
        c.database(),
        c.sandbox(),
        c.clock(),
        c.resources());
  }

  private final class TimedAuthenticator implements Authenticator {
    private final Authenticator delegate;

    TimedAuthenticator(Authenticator delegate) {
      this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public AuthenticationResult authenticate(Credential credential) {
      long start = System.nanoTime();
      CURRENT.remove();
      AuthenticationResult result = delegate.authenticate(credential);
      if (result instanceof AuthenticationResult.Authenticated authenticated) {
        Timing timing = new Timing(start);
        CURRENT.set(timing);
        byUser.put(authenticated.principal().user().value(), timing);
      }
      return result;
    }
  }

  private final class TimedModel implements LanguageModel {
    private final LanguageModel delegate;

    TimedModel(LanguageModel delegate) {
      this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public ModelResponse generate(ModelRequest request, Consumer<String> onTextDelta) {
      Timing timing = CURRENT.get();
      long[] inConsumer = {0};
      boolean stamp = stampDeltas;
      Consumer<String> timed =
          delta -> {
            long emitted = System.nanoTime();
            onTextDelta.accept(stamp ? "[t" + emitted + "]" + delta : delta);
            long spent = System.nanoTime() - emitted;
            inConsumer[0] += spent;
            if (stamp) {
              relayNanos.add(spent);
            }
          };
      long start = System.nanoTime();
      try {
        return delegate.generate(request, timed);
      } finally {
        if (timing != null) {
          timing.modelNanos += System.nanoTime() - start - inConsumer[0];
          timing.modelCalls++;
        }
      }
    }
  }

  private final class TimedToolkit implements Toolkit {
    private final Toolkit delegate;
    private final List<Tool> tools;

    TimedToolkit(Toolkit delegate) {
      this.delegate = Objects.requireNonNull(delegate, "delegate");
      this.tools = delegate.tools().stream().map(t -> (Tool) new TimedTool(t)).toList();
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public List<Tool> tools() {
      return tools;
    }

    @Override
    public Optional<OAuthProvider> oauthProvider() {
      return delegate.oauthProvider();
    }
  }

  private static final class TimedTool implements Tool {
    private final Tool delegate;

    TimedTool(Tool delegate) {
      this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public ToolSpec spec() {
      return delegate.spec();
    }

    @Override
    public List<CheckRequest> accessChecks(Principal principal, ToolArguments arguments) {
      return delegate.accessChecks(principal, arguments);
    }

    @Override
    public ToolResult execute(ToolContext context, ToolArguments arguments) {
      Timing timing = CURRENT.get();
      if (timing == null) {
        return delegate.execute(context, arguments);
      }
      long vaultBefore = timing.vaultInToolNanos;
      timing.inTool = true;
      long start = System.nanoTime();
      try {
        return delegate.execute(context, arguments);
      } finally {
        long elapsed = System.nanoTime() - start;
        timing.inTool = false;
        timing.providerNanos += elapsed - (timing.vaultInToolNanos - vaultBefore);
        timing.toolCalls++;
      }
    }
  }

  private static final class TimedVault implements TokenVault {
    private final TokenVault delegate;

    TimedVault(TokenVault delegate) {
      this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public void store(OAuthGrant grant) {
      delegate.store(grant);
    }

    @Override
    public Optional<OAuthGrant> find(GrantKey key) {
      return delegate.find(key);
    }

    @Override
    public List<OAuthGrant> list(OrganizationId organization, UserId user) {
      return delegate.list(organization, user);
    }

    @Override
    public boolean delete(GrantKey key) {
      return delegate.delete(key);
    }

    @Override
    public AccessToken accessToken(GrantKey key) {
      long start = System.nanoTime();
      try {
        return delegate.accessToken(key);
      } finally {
        inTool(System.nanoTime() - start);
      }
    }

    @Override
    public AccessToken refreshRejected(GrantKey key, AccessToken rejected) {
      long start = System.nanoTime();
      try {
        return delegate.refreshRejected(key, rejected);
      } finally {
        inTool(System.nanoTime() - start);
      }
    }

    private static void inTool(long nanos) {
      Timing timing = CURRENT.get();
      if (timing != null && timing.inTool) {
        timing.vaultInToolNanos += nanos;
      }
      storage(nanos, Kind.VAULT);
    }
  }

  private enum Kind {
    CONVERSATION_READ,
    CONVERSATION_WRITE,
    AUDIT,
    VAULT
  }

  /** Adds a storage call's time to the current request's timing, if there is one. */
  private static void storage(long nanos, Kind kind) {
    Timing timing = CURRENT.get();
    if (timing != null) {
      timing.storageNanos += nanos;
      timing.storageCalls++;
      switch (kind) {
        case CONVERSATION_READ -> timing.conversationReadNanos += nanos;
        case CONVERSATION_WRITE -> timing.conversationWriteNanos += nanos;
        case AUDIT -> timing.auditNanos += nanos;
        case VAULT -> {}
      }
    }
  }

  private static final class TimedConversations implements ConversationStore {
    private final ConversationStore delegate;

    TimedConversations(ConversationStore delegate) {
      this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public void create(Conversation conversation) {
      long start = System.nanoTime();
      try {
        delegate.create(conversation);
      } finally {
        storage(System.nanoTime() - start, Kind.CONVERSATION_WRITE);
      }
    }

    @Override
    public Optional<Conversation> find(OrganizationId organization, ConversationId id) {
      long start = System.nanoTime();
      try {
        return delegate.find(organization, id);
      } finally {
        storage(System.nanoTime() - start, Kind.CONVERSATION_READ);
      }
    }

    @Override
    public List<ConversationSummary> list(OrganizationId organization, UserId owner) {
      long start = System.nanoTime();
      try {
        return delegate.list(organization, owner);
      } finally {
        storage(System.nanoTime() - start, Kind.CONVERSATION_READ);
      }
    }

    @Override
    public void append(OrganizationId organization, ConversationId id, List<ChatMessage> messages) {
      long start = System.nanoTime();
      try {
        delegate.append(organization, id, messages);
      } finally {
        storage(System.nanoTime() - start, Kind.CONVERSATION_WRITE);
      }
    }
  }

  private static final class TimedAudit implements AuditLog {
    private final AuditLog delegate;

    TimedAudit(AuditLog delegate) {
      this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public AuditRecord append(AuditEvent event) {
      long start = System.nanoTime();
      try {
        return delegate.append(event);
      } finally {
        storage(System.nanoTime() - start, Kind.AUDIT);
      }
    }

    @Override
    public List<AuditRecord> query(AuditQuery query) {
      return delegate.query(query);
    }

    @Override
    public ChainVerification verify(OrganizationId organization) {
      return delegate.verify(organization);
    }
  }
}
