package dev.nexus.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nexus.agent.AgentEvent;
import dev.nexus.agent.AgentRuntime;
import dev.nexus.agent.AgentSettings;
import dev.nexus.agent.TurnResult;
import dev.nexus.core.approval.Approval;
import dev.nexus.core.approval.ApprovalId;
import dev.nexus.core.approval.ApprovalStatus;
import dev.nexus.core.audit.AuditAction;
import dev.nexus.core.audit.AuditEvent;
import dev.nexus.core.audit.AuditQuery;
import dev.nexus.core.audit.AuditRecord;
import dev.nexus.core.audit.ChainVerification;
import dev.nexus.core.authorization.Capability;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.core.authorization.SubjectRef;
import dev.nexus.core.conversation.Conversation;
import dev.nexus.core.conversation.ConversationId;
import dev.nexus.core.error.AccessDeniedException;
import dev.nexus.core.error.ConflictException;
import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.error.NexusException;
import dev.nexus.core.identity.AuthenticationResult;
import dev.nexus.core.identity.Credential;
import dev.nexus.core.identity.Membership;
import dev.nexus.core.identity.Organization;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Principal;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.model.LanguageModel;
import dev.nexus.core.tool.Toolkit;
import dev.nexus.core.vault.GrantKey;
import dev.nexus.core.vault.IssuedTokens;
import dev.nexus.core.vault.OAuthGrant;
import dev.nexus.core.vault.OAuthProvider;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.core.vault.Secret;
import dev.nexus.server.Components;
import dev.nexus.server.ServerSettings;
import dev.nexus.server.Wiring;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Nexus HTTP API on Javalin: chat turns streamed as server-sent events, approvals, connections,
 * members and the audit log, with one exception mapping, bearer authentication on every {@code
 * /api} route, rate limits, security headers and CORS for configured origins.
 */
public final class NexusServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NexusServer.class);
  private static final String PRINCIPAL = "nexus.principal";
  private static final String API_KEY_HEADER = "X-Gemini-Api-Key";
  private static final int MAX_MESSAGE_CHARS = 16_000;
  private static final int ACCEPT_QUEUE_SIZE = 1_024;

  private final Components components;
  private final ServerSettings settings;
  private final Json json = new Json();
  private final RateLimits limits;
  private final ConnectionFlow connections;
  private final AgentRuntime defaultRuntime;
  private final Map<ProviderId, OAuthProvider> providers = new LinkedHashMap<>();
  private final PrometheusMeterRegistry metrics =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<Route> routes = new ArrayList<>();
  private final AtomicInteger turnsInFlight = new AtomicInteger();
  private volatile boolean draining;
  private final String contentSecurityPolicy;
  private final RequestObserver observer;
  private final Javalin app;

  private NexusServer(Components components, ServerSettings settings, RequestObserver observer) {
    this.components = components;
    this.settings = settings;
    this.observer = Objects.requireNonNull(observer, "observer");
    // The browser workspace talks to this server only, and with Auth0 also exchanges its login
    // code at the tenant's origin (exactly that origin, nothing wider).
    String connect =
        "'self'" + settings.auth0().map(auth0 -> " " + origin(auth0.baseUrl())).orElse("");
    this.contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src "
            + connect
            + "; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
    this.limits = new RateLimits(settings.limits());
    this.connections = new ConnectionFlow(components.connectionAttempts(), components.clock());
    for (Toolkit toolkit : components.toolkits()) {
      toolkit.oauthProvider().ifPresent(p -> providers.put(p.provider(), p));
    }
    this.defaultRuntime = runtime(components.defaultModel());
    this.app = Javalin.create(this::configure);
  }

  /** {@code scheme://host[:port]} of a URL, as a CSP source and a browser origin spell it. */
  private static String origin(URI url) {
    return url.getScheme() + "://" + url.getRawAuthority();
  }

  /** Builds the server and starts listening. */
  public static NexusServer start(Components components, ServerSettings settings) {
    return start(components, settings, RequestObserver.NONE);
  }

  /**
   * Builds the server and starts listening; {@code observer} hears of every answered request, on
   * the thread that served it.
   */
  public static NexusServer start(
      Components components, ServerSettings settings, RequestObserver observer) {
    NexusServer server = new NexusServer(components, settings, observer);
    server.app.start(settings.host(), settings.port());
    return server;
  }

  /** The port the server listens on (useful when started on port 0). */
  public int port() {
    return app.port();
  }

  /** Where people reach this server: NEXUS_PUBLIC_URL, else localhost on its port. */
  public URI publicUrl() {
    return settings.publicUrl().orElseGet(() -> URI.create("http://localhost:" + app.port()));
  }

  /** Every route of the API, in registration order. */
  public List<Route> routes() {
    return Collections.unmodifiableList(routes);
  }

  /**
   * Stops taking new chat turns (they get 503), waits up to 30 seconds for running turns and their
   * streams to finish, stops the HTTP server, then closes every component.
   */
  @Override
  public void close() {
    draining = true;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (turnsInFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    app.stop();
    List<AutoCloseable> resources = new ArrayList<>(components.resources());
    Collections.reverse(resources);
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", resource.getClass().getSimpleName(), e.toString());
      }
    }
    metrics.close();
  }

  private AgentRuntime runtime(LanguageModel model) {
    ServerSettings.Limits l = settings.limits();
    return AgentRuntime.builder()
        .model(model)
        .authorizer(components.authorizer())
        .conversations(components.conversations())
        .approvals(components.approvals())
        .auditLog(components.audit())
        .tokenVault(components.vault())
        .toolkits(components.toolkits())
        .clock(components.clock())
        .callLimiter(limits)
        .settings(
            AgentSettings.defaults()
                .withMaxSteps(l.maxSteps())
                .withApprovalTtl(l.approvalTtl())
                .withMaxWritesPerTurn(l.maxWritesPerTurn()))
        .build();
  }

  private void configure(io.javalin.config.JavalinConfig config) {
    config.http.maxRequestSize = settings.maxBodyBytes();
    config.startup.showJavalinBanner = false;
    QueuedThreadPool threads = new QueuedThreadPool(1_200, 8, 60_000);
    threads.setName("nexus-http");
    config.jetty.threadPool = threads;
    // The JDK's default listen backlog is 50: a burst of connections (a page of streams, many
    // clients at once) overflows it on a busy machine, and the kernel then drops connections the
    // clients believe are open. Javalin creates its connector when the server starts, so the
    // queue is sized then.
    config.jetty.modifyServer(
        server ->
            server.addEventListener(
                new LifeCycle.Listener() {
                  @Override
                  public void lifeCycleStarting(LifeCycle event) {
                    for (Connector connector : server.getConnectors()) {
                      if (connector instanceof ServerConnector serverConnector) {
                        serverConnector.setAcceptQueueSize(ACCEPT_QUEUE_SIZE);
                      }
                    }
                  }
                }));
    config.staticFiles.add(
        staticFiles -> {
          staticFiles.hostedPath = "/";
          staticFiles.directory = "/web";
          staticFiles.location = io.javalin.http.staticfiles.Location.CLASSPATH;
          staticFiles.headers = Map.of("Cache-Control", "no-cache");
        });

    var r = config.routes;
    r.before(this::securityHeaders);
    r.before(this::limitBody);
    r.before("/api/*", this::authenticate);
    config.requestLogger.http(this::recordRequest);
    r.exception(Exception.class, (e, ctx) -> problem(ctx, e));
    r.exception(HttpResponseException.class, (e, ctx) -> problem(ctx, e));
    r.error(
        404,
        ctx -> {
          if (!ctx.res().isCommitted() && !isProblem(ctx)) {
            Problems.write(
                ctx,
                new ApiProblem(
                    404,
                    "route-not-found",
                    "Not found",
                    "there is no route " + ctx.method() + " " + ctx.path()),
                json);
          }
        });
    r.error(
        405,
        ctx -> {
          if (!isProblem(ctx)) {
            Problems.write(
                ctx,
                new ApiProblem(
                    405,
                    "method-not-allowed",
                    "Method not allowed",
                    "this route does not accept " + ctx.method()),
                json);
          }
        });

    route(r, "GET", "/health", this::health);
    route(
        r,
        "GET",
        "/metrics",
        ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.scrape()));
    route(r, "GET", "/openapi.json", this::openApi);
    route(r, "GET", "/config.json", this::clientConfig);
    if (components.sandbox().isPresent()) {
      route(r, "POST", "/sandbox/token", this::sandboxToken);
    }
    route(r, "GET", "/api/me", this::me);
    route(r, "POST", "/api/conversations", this::createConversation);
    route(r, "GET", "/api/conversations", this::listConversations);
    route(r, "GET", "/api/conversations/{id}", this::getConversation);
    route(r, "POST", "/api/conversations/{id}/messages", this::postMessage);
    route(r, "GET", "/api/approvals", this::listApprovals);
    route(r, "POST", "/api/approvals/{id}/approve", this::approve);
    route(r, "POST", "/api/approvals/{id}/deny", this::deny);
    route(r, "GET", "/api/connections", this::listConnections);
    route(r, "GET", "/api/connections/{provider}/authorize", this::authorizeConnection);
    route(r, "GET", "/api/connections/{provider}/callback", this::connectionCallback);
    route(r, "DELETE", "/api/connections/{provider}", this::disconnect);
    route(r, "GET", "/api/organization/members", this::listMembers);
    route(r, "POST", "/api/organization/members", this::addMember);
    route(r, "PUT", "/api/organization/members/{userId}", this::changeMember);
    route(r, "DELETE", "/api/organization/members/{userId}", this::removeMember);
    route(r, "GET", "/api/audit", this::audit);
    route(r, "GET", "/api/audit/verify", this::verifyAudit);
    r.options("/api/*", ctx -> ctx.status(204));
  }

  private void route(
      io.javalin.config.RoutesConfig routesConfig, String method, String path, Handler handler) {
    routes.add(new Route(method, path));
    switch (method) {
      case "GET" -> routesConfig.get(path, handler);
      case "POST" -> routesConfig.post(path, handler);
      case "PUT" -> routesConfig.put(path, handler);
      case "DELETE" -> routesConfig.delete(path, handler);
      default -> throw new IllegalArgumentException(method);
    }
  }

  // ---- cross-cutting ----

  private void securityHeaders(Context ctx) {
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Cross-Origin-Opener-Policy", "same-origin");
    ctx.header("Content-Security-Policy", contentSecurityPolicy);
    if ("https".equals(publicUrl().getScheme())) {
      ctx.header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    }
    if (ctx.path().startsWith("/api/") || ctx.path().startsWith("/sandbox/")) {
      ctx.header("Cache-Control", "no-store");
    }
    String origin = ctx.header("Origin");
    if (origin != null && settings.corsOrigins().contains(origin)) {
      ctx.header("Access-Control-Allow-Origin", origin);
      ctx.header("Vary", "Origin");
      ctx.header("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
      ctx.header(
          "Access-Control-Allow-Headers", "Authorization, Content-Type, Accept, " + API_KEY_HEADER);
      ctx.header("Access-Control-Max-Age", "600");
    }
  }

  private void limitBody(Context ctx) {
    String length = ctx.header("Content-Length");
    if (length != null
        && length.matches("\\d{1,18}")
        && Long.parseLong(length) > settings.maxBodyBytes()) {
      throw new ApiProblem(
          413,
          "too-large",
          "Content too large",
          "the request body is larger than " + settings.maxBodyBytes() + " bytes");
    }
  }

  private void authenticate(Context ctx) {
    if ("OPTIONS".equals(ctx.method().name()) || isOAuthCallback(ctx)) {
      return;
    }
    String header = ctx.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw ApiProblem.unauthenticated("send an access token as Authorization: Bearer <token>");
    }
    AuthenticationResult result =
        components.authenticator().authenticate(Credential.bearer(header.substring(7).trim()));
    if (result instanceof AuthenticationResult.Refused refused) {
      throw ApiProblem.unauthenticated(refused.reason());
    }
    ctx.attribute(PRINCIPAL, ((AuthenticationResult.Authenticated) result).principal());
  }

  /**
   * Whether this is {@code GET /api/connections/{provider}/callback}, the one {@code /api} route a
   * browser reaches from the provider without the bearer token (its state stands in for it).
   */
  private static boolean isOAuthCallback(Context ctx) {
    if (!"GET".equals(ctx.method().name())) {
      return false;
    }
    String path = ctx.path();
    String prefix = "/api/connections/";
    String suffix = "/callback";
    if (!path.startsWith(prefix)
        || !path.endsWith(suffix)
        || path.length() <= prefix.length() + suffix.length()) {
      return false;
    }
    return path.indexOf('/', prefix.length()) == path.length() - suffix.length();
  }

  private static Principal principal(Context ctx) {
    Principal principal = ctx.attribute(PRINCIPAL);
    if (principal == null) {
      throw ApiProblem.unauthenticated("send an access token as Authorization: Bearer <token>");
    }
    return principal;
  }

  private void problem(Context ctx, Exception e) {
    ApiProblem problem;
    if (e instanceof HttpResponseException http) {
      problem = httpProblem(ctx, http.getStatus());
    } else {
      problem = Problems.from(e);
    }
    Problems.write(ctx, problem, json);
  }

  private ApiProblem httpProblem(Context ctx, int status) {
    return switch (status) {
      case 404 ->
          new ApiProblem(
              404,
              "route-not-found",
              "Not found",
              "there is no route " + ctx.method() + " " + ctx.path());
      case 405 ->
          new ApiProblem(
              405,
              "method-not-allowed",
              "Method not allowed",
              "this route does not accept " + ctx.method());
      case 413 ->
          new ApiProblem(
              413,
              "too-large",
              "Content too large",
              "the request body is larger than " + settings.maxBodyBytes() + " bytes");
      default ->
          new ApiProblem(status, "http-" + status, "Request refused", "the request was refused");
    };
  }

  private static boolean isProblem(Context ctx) {
    String type = ctx.res().getContentType();
    return type != null && type.startsWith(Problems.CONTENT_TYPE);
  }

  /** Runs once the answer is written (Javalin's request logger), for every request. */
  private void recordRequest(Context ctx, Float milliseconds) {
    String route = matchedRoute(ctx);
    String method = ctx.method().name();
    String status = Integer.toString(ctx.statusCode());
    long nanos = (long) (milliseconds * 1_000_000.0);
    metrics
        .counter("nexus.http.requests", "method", method, "route", route, "status", status)
        .increment();
    metrics
        .timer("nexus.http.server.duration", "method", method, "route", route, "status", status)
        .record(nanos, TimeUnit.NANOSECONDS);
    long tenths = Math.round(milliseconds * 10.0);
    LOG.info("{} {} -> {} in {}.{} ms", method, route, status, tenths / 10, tenths % 10);
    try {
      observer.answered(method, route, ctx.statusCode(), nanos);
    } catch (RuntimeException e) {
      LOG.debug("the request observer failed: {}", e.getClass().getSimpleName());
    }
  }

  private static String matchedRoute(Context ctx) {
    try {
      var endpoint = ctx.endpoints().matchedHttpEndpoint();
      if (endpoint != null) {
        return endpoint.path;
      }
      return ctx.path().startsWith("/api/") ? "unmatched" : "static";
    } catch (RuntimeException e) {
      return "unmatched";
    }
  }

  private void requireCapability(Principal principal, Capability capability, String what) {
    if (!components.authorizer().check(capability.checkFor(principal)).allowed()) {
      throw new AccessDeniedException("your role may not " + what);
    }
  }

  private AgentRuntime runtimeFor(Context ctx) {
    String key = ctx.header(API_KEY_HEADER);
    if (key == null || key.isBlank()) {
      return defaultRuntime;
    }
    if (components.modelForApiKey() == null) {
      throw ApiProblem.invalid("this server does not accept a caller's own model key");
    }
    if (key.length() > 512 || !key.matches("[A-Za-z0-9_.-]+")) {
      throw ApiProblem.invalid("the " + API_KEY_HEADER + " header is not a valid key");
    }
    return runtime(components.modelForApiKey().apply(key.trim()));
  }

  // ---- operations ----

  private void health(Context ctx) {
    try {
      components.database().check();
      ctx.json(Map.of("status", "ok", "database", "ok"));
    } catch (Exception e) {
      LOG.warn("health check failed: {}", e.getClass().getSimpleName());
      ctx.status(503).header("Retry-After", "5");
      ctx.contentType("application/json")
          .result(json.write(Map.of("status", "unavailable", "database", "down")));
    }
  }

  private void openApi(Context ctx) throws IOException {
    try (InputStream in = NexusServer.class.getResourceAsStream("/openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the server jar");
      }
      ctx.contentType("application/json")
          .result(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** What a browser client needs to sign in: the mode and, in production, the Auth0 login. */
  private void clientConfig(Context ctx) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("mode", components.sandbox().isPresent() ? "sandbox" : "production");
    settings
        .auth0()
        .ifPresent(
            auth0 -> {
              Map<String, Object> login = new LinkedHashMap<>();
              login.put("domain", auth0.domain());
              login.put("base_url", auth0.baseUrl().toString());
              login.put("audience", auth0.audience());
              login.put("client_id", auth0.spaClientId().orElse(null));
              body.put("auth0", login);
            });
    body.put("providers", providers.keySet().stream().map(ProviderId::value).toList());
    ctx.json(body);
  }

  private void sandboxToken(Context ctx) {
    ObjectNode body = json.object(ctx.body());
    String email = Json.requiredText(body, "email", 254);
    if (!email.matches("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}")) {
      throw ApiProblem.invalid("'email' must be an email address");
    }
    String organization = Json.optionalText(body, "organization", 64);
    String roleName = Json.optionalText(body, "role", 16);
    Role role = roleName == null ? Role.MEMBER : Role.parse(roleName);
    UserId user = UserId.of(Wiring.SANDBOX_USER_PREFIX + email.toLowerCase(Locale.ROOT));
    Optional<String> org = Optional.empty();
    if (organization != null) {
      OrganizationId id = OrganizationId.of(organization);
      components
          .directory()
          .createIfAbsent(new Organization(id, organization, false, components.clock().instant()));
      setRole(id, user, role);
      org = Optional.of(id.value());
    }
    long ttl = 3600;
    String token = components.sandbox().orElseThrow().mint(user.value(), email, org, ttl);
    ctx.json(Map.of("access_token", token, "token_type", "Bearer", "expires_in", ttl));
  }

  private void me(Context ctx) {
    Principal principal = principal(ctx);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("user", principal.user().value());
    body.put("organization", principal.organization().value());
    body.put("role", principal.role().wireName());
    body.put("connections", connectionViews(principal));
    ctx.json(body);
  }

  private void createConversation(Context ctx) {
    Principal principal = principal(ctx);
    String title = null;
    if (!ctx.body().isBlank()) {
      title = Json.optionalText(json.object(ctx.body()), "title", 200);
    }
    Conversation conversation = defaultRuntime.startConversation(principal, title);
    ctx.status(201).json(Map.of("id", conversation.id().value(), "title", conversation.title()));
  }

  private void listConversations(Context ctx) {
    Principal principal = principal(ctx);
    ctx.json(
        Map.of(
            "conversations",
            components.conversations().list(principal.organization(), principal.user()).stream()
                .map(Views::summary)
                .toList()));
  }

  private void getConversation(Context ctx) {
    Principal principal = principal(ctx);
    Conversation conversation = defaultRuntime.conversation(principal, conversationId(ctx));
    List<Approval> approvals =
        components.approvals().listByConversation(principal.organization(), conversation.id());
    ctx.json(Views.conversation(conversation, approvals));
  }

  private void postMessage(Context ctx) {
    Principal principal = principal(ctx);
    ConversationId id = conversationId(ctx);
    String text = Json.requiredText(json.object(ctx.body()), "text", MAX_MESSAGE_CHARS);
    // Refusals (unknown conversation, one waiting for approvals) must be answered before a stream
    // opens, so the turn is checked first; it then runs on the conversation read here.
    AgentRuntime.PreparedTurn turn = runtimeFor(ctx).prepareChat(principal, id, text);
    limits.admitTurn(principal);
    respondWithTurn(ctx, turn::run);
  }

  private void listApprovals(Context ctx) {
    Principal principal = principal(ctx);
    String statusName = Optional.ofNullable(ctx.queryParam("status")).orElse("pending");
    ApprovalStatus status;
    try {
      status = ApprovalStatus.valueOf(statusName.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiProblem.invalid(
          "'status' must be one of pending, approved, executing, executed,"
              + " failed, outcome_unknown, denied, expired");
    }
    defaultRuntime.sweep(principal.organization());
    boolean all =
        components.authorizer().check(Capability.APPROVE_CALLS.checkFor(principal)).allowed();
    List<Map<String, Object>> approvals =
        components.approvals().list(principal.organization(), status).stream()
            .filter(a -> all || a.requester().equals(principal.user()))
            .map(Views::approval)
            .toList();
    ctx.json(Map.of("approvals", approvals));
  }

  private void approve(Context ctx) {
    Principal principal = principal(ctx);
    ApprovalId id = approvalId(ctx);
    AgentRuntime runtime = runtimeFor(ctx);
    respondWithTurn(ctx, events -> runtime.approve(principal, id, events));
  }

  private void deny(Context ctx) {
    Principal principal = principal(ctx);
    ApprovalId id = approvalId(ctx);
    AgentRuntime runtime = runtimeFor(ctx);
    respondWithTurn(ctx, events -> runtime.deny(principal, id, events));
  }

  private interface Turn {
    TurnResult run(Consumer<AgentEvent> events);
  }

  /**
   * Runs a turn and answers with its events: as server-sent events when the client accepts {@code
   * text/event-stream}, else as one JSON document.
   */
  private void respondWithTurn(Context ctx, Turn turn) {
    if (draining) {
      throw new ApiProblem(
          503,
          "shutting-down",
          "Shutting down",
          "the server is restarting; try again shortly",
          Duration.ofSeconds(2));
    }
    turnsInFlight.incrementAndGet();
    try {
      runTurn(ctx, turn);
    } finally {
      turnsInFlight.decrementAndGet();
    }
  }

  private void runTurn(Context ctx, Turn turn) {
    Timer.Sample sample = Timer.start(metrics);
    String accept = Optional.ofNullable(ctx.header("Accept")).orElse("");
    try {
      if (accept.contains("text/event-stream")) {
        stream(ctx, turn);
      } else {
        List<Views.Event> events = new ArrayList<>();
        TurnResult result = turn.run(event -> events.add(Views.event(event)));
        ctx.json(Views.turn(result, events));
      }
    } finally {
      sample.stop(metrics.timer("nexus.turn.duration"));
    }
  }

  /**
   * Streams a turn's events. The stream opens with the first event, so a turn refused before it has
   * one (an approval that is unknown, decided or not the caller's to decide) is answered as a
   * problem with its own status, as in JSON; a failure after that ends the stream with an {@code
   * error} event.
   */
  private void stream(Context ctx, Turn turn) {
    SseWriter[] writer = new SseWriter[1];
    Consumer<Views.Event> send =
        event -> {
          if (writer[0] == null) {
            writer[0] = openStream(ctx);
          }
          writer[0].send(event);
        };
    try {
      turn.run(event -> send.accept(Views.event(event)));
    } catch (RuntimeException e) {
      if (writer[0] == null) {
        throw e;
      }
      send.accept(new Views.Event("error", Problems.body(Problems.from(e), ctx.path())));
    }
    if (writer[0] == null) {
      openStream(ctx);
    }
    // The last chunk is written before the turn counts as finished, so a shutdown waiting for the
    // running turns cannot cut the stream short.
    try {
      ctx.res().getOutputStream().close();
    } catch (IOException e) {
      // The client went away.
    }
  }

  private SseWriter openStream(Context ctx) {
    ctx.status(200);
    ctx.res().setContentType("text/event-stream;charset=utf-8");
    ctx.res().setHeader("Cache-Control", "no-store");
    ctx.res().setHeader("X-Accel-Buffering", "no");
    try {
      OutputStream out = ctx.res().getOutputStream();
      out.flush();
      return new SseWriter(out, json);
    } catch (IOException e) {
      // The client went away; the turn still runs to its end and its events go nowhere.
      return new SseWriter(OutputStream.nullOutputStream(), json);
    }
  }

  private void listConnections(Context ctx) {
    ctx.json(Map.of("connections", connectionViews(principal(ctx))));
  }

  private List<Map<String, Object>> connectionViews(Principal principal) {
    Map<String, OAuthGrant> grants = new TreeMap<>();
    for (OAuthGrant grant : components.vault().list(principal.organization(), principal.user())) {
      grants.put(grant.key().provider().value(), grant);
    }
    List<Map<String, Object>> views = new ArrayList<>();
    for (ProviderId provider : providers.keySet()) {
      views.add(Views.connection(provider.value(), grants.get(provider.value())));
    }
    return views;
  }

  private URI redirectUri(ProviderId provider) {
    String base = publicUrl().toString().replaceAll("/+$", "");
    return URI.create(base + "/api/connections/" + provider.value() + "/callback");
  }

  private void authorizeConnection(Context ctx) {
    Principal principal = principal(ctx);
    ProviderId provider = ConnectionFlow.provider(ctx.pathParam("provider"), providers.keySet());
    URI url =
        connections.authorizationUrl(
            principal,
            provider,
            providers.get(provider),
            redirectUri(provider),
            components
                .sandbox()
                .flatMap(sandbox -> sandbox.loginHint(principal.user().value()))
                .orElse(null));
    if (Optional.ofNullable(ctx.header("Accept")).orElse("").contains("application/json")) {
      ctx.json(Map.of("authorization_url", url.toString()));
    } else {
      ctx.redirect(url.toString(), HttpStatus.FOUND);
    }
  }

  private void connectionCallback(Context ctx) {
    ProviderId provider = ConnectionFlow.provider(ctx.pathParam("provider"), providers.keySet());
    String error = ctx.queryParam("error");
    if (error != null) {
      throw ApiProblem.invalid(
          "the provider did not grant access (" + error.replaceAll("[^a-z_]", "") + ")");
    }
    String code = ctx.queryParam("code");
    if (code == null || code.isBlank() || code.length() > 2048) {
      throw ApiProblem.badRequest("the callback needs the provider's code");
    }
    ConnectionFlow.Pending pending = connections.open(ctx.queryParam("state"), provider);
    OAuthProvider oauth = providers.get(provider);
    IssuedTokens tokens = oauth.exchange(code, pending.verifier(), redirectUri(provider));
    GrantKey key = new GrantKey(pending.organization(), pending.user(), provider);
    components.vault().store(OAuthGrant.issued(key, tokens, components.clock().instant()));
    components
        .audit()
        .append(
            new AuditEvent(
                pending.organization(),
                components.clock().instant(),
                pending.user(),
                AuditAction.CONNECTION_ADDED,
                provider.value(),
                Map.of("scopes", String.join(" ", new TreeSet<>(tokens.scopes())))));
    if (Optional.ofNullable(ctx.header("Accept")).orElse("").contains("application/json")) {
      ctx.json(Map.of("provider", provider.value(), "status", "connected"));
    } else {
      ctx.redirect("/#connections", HttpStatus.SEE_OTHER);
    }
  }

  private void disconnect(Context ctx) {
    Principal principal = principal(ctx);
    ProviderId provider = ConnectionFlow.provider(ctx.pathParam("provider"), providers.keySet());
    GrantKey key = GrantKey.of(principal, provider);
    Optional<OAuthGrant> grant = components.vault().find(key);
    if (grant.isEmpty()) {
      throw ApiProblem.notFound("there is no " + provider + " connection");
    }
    // The refresh token first, so no new access token can be minted; then the access token, which
    // not every provider revokes along with its refresh token.
    List<Secret> held = new ArrayList<>();
    grant.get().optionalRefreshToken().ifPresent(held::add);
    held.add(grant.get().accessToken());
    for (Secret token : held) {
      try {
        providers.get(provider).revoke(token);
      } catch (NexusException e) {
        LOG.warn(
            "revoking a {} grant failed; forgetting it anyway: {}",
            provider,
            e.getClass().getSimpleName());
      }
    }
    components.vault().delete(key);
    components
        .audit()
        .append(
            new AuditEvent(
                principal.organization(),
                components.clock().instant(),
                principal.user(),
                AuditAction.CONNECTION_REMOVED,
                provider.value(),
                Map.of()));
    ctx.status(204);
  }

  private void listMembers(Context ctx) {
    Principal principal = principal(ctx);
    requireCapability(principal, Capability.MANAGE_MEMBERS, "manage members");
    ctx.json(
        Map.of(
            "members",
            components.directory().members(principal.organization()).stream()
                .map(Views::member)
                .toList()));
  }

  private void addMember(Context ctx) {
    Principal principal = principal(ctx);
    requireCapability(principal, Capability.MANAGE_MEMBERS, "manage members");
    ObjectNode body = json.object(ctx.body());
    UserId user = UserId.of(Json.requiredText(body, "user", 128));
    Role role = Role.parse(Json.requiredText(body, "role", 16));
    Membership membership = setRole(principal.organization(), user, role);
    auditMember(principal, user, AuditAction.MEMBER_CHANGED, role);
    ctx.status(201).json(Views.member(membership));
  }

  private void changeMember(Context ctx) {
    Principal principal = principal(ctx);
    requireCapability(principal, Capability.MANAGE_MEMBERS, "manage members");
    UserId user = userId(ctx);
    Role role = Role.parse(Json.requiredText(json.object(ctx.body()), "role", 16));
    Membership current =
        components
            .directory()
            .membership(principal.organization(), user)
            .orElseThrow(() -> ApiProblem.notFound("there is no member " + user));
    if (current.role() == Role.ADMIN && role != Role.ADMIN) {
      requireAnotherAdmin(principal.organization(), user);
    }
    Membership membership = setRole(principal.organization(), user, role);
    auditMember(principal, user, AuditAction.MEMBER_CHANGED, role);
    ctx.json(Views.member(membership));
  }

  private void removeMember(Context ctx) {
    Principal principal = principal(ctx);
    requireCapability(principal, Capability.MANAGE_MEMBERS, "manage members");
    UserId user = userId(ctx);
    Membership current =
        components
            .directory()
            .membership(principal.organization(), user)
            .orElseThrow(() -> ApiProblem.notFound("there is no member " + user));
    if (current.role() == Role.ADMIN) {
      requireAnotherAdmin(principal.organization(), user);
    }
    components.relationships().write(List.of(), roleTuples(principal.organization(), user, null));
    components.directory().removeMember(principal.organization(), user);
    auditMember(principal, user, AuditAction.MEMBER_REMOVED, null);
    ctx.status(204);
  }

  private void requireAnotherAdmin(OrganizationId organization, UserId leaving) {
    boolean another =
        components.directory().members(organization).stream()
            .anyMatch(m -> m.role() == Role.ADMIN && !m.user().equals(leaving));
    if (!another) {
      throw new ConflictException("an organization needs at least one admin");
    }
  }

  private Membership setRole(OrganizationId organization, UserId user, Role role) {
    Membership membership = components.directory().putMember(organization, user, role);
    components
        .relationships()
        .write(List.of(roleTuple(organization, user, role)), roleTuples(organization, user, role));
    return membership;
  }

  private static RelationshipTuple roleTuple(OrganizationId organization, UserId user, Role role) {
    return new RelationshipTuple(
        SubjectRef.user(user), role.wireName(), Capability.organizationObject(organization));
  }

  private static List<RelationshipTuple> roleTuples(
      OrganizationId organization, UserId user, Role except) {
    List<RelationshipTuple> tuples = new ArrayList<>();
    for (Role role : Role.values()) {
      if (role != except) {
        tuples.add(roleTuple(organization, user, role));
      }
    }
    return tuples;
  }

  private void auditMember(Principal actor, UserId user, AuditAction action, Role role) {
    components
        .audit()
        .append(
            new AuditEvent(
                actor.organization(),
                components.clock().instant(),
                actor.user(),
                action,
                user.value(),
                role == null ? Map.of() : Map.of("role", role.wireName())));
  }

  private void audit(Context ctx) {
    Principal principal = principal(ctx);
    requireCapability(principal, Capability.VIEW_AUDIT, "view the audit log");
    long after = longParam(ctx, "after", 0, 0, Long.MAX_VALUE);
    int limit = (int) longParam(ctx, "limit", 50, 1, 1000);
    Set<AuditAction> actions = new HashSet<>();
    for (String name : ctx.queryParams("action")) {
      try {
        actions.add(AuditAction.valueOf(name.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw ApiProblem.invalid(
            "'action' " + name.replaceAll("[^A-Za-z_]", "") + " is not an audit action");
      }
    }
    List<AuditRecord> records =
        components.audit().query(new AuditQuery(principal.organization(), after, limit, actions));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("records", records.stream().map(Views::audit).toList());
    body.put("next", records.isEmpty() ? after : records.get(records.size() - 1).sequence());
    ctx.json(body);
  }

  private void verifyAudit(Context ctx) {
    Principal principal = principal(ctx);
    requireCapability(principal, Capability.VIEW_AUDIT, "view the audit log");
    ChainVerification result = components.audit().verify(principal.organization());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("intact", result.isIntact());
    body.put("checked", result.checked());
    result.firstBrokenSequence().ifPresent(seq -> body.put("broken_at", seq));
    if (result.problem() != null) {
      body.put("problem", result.problem());
    }
    ctx.json(body);
  }

  // ---- parameters ----

  private static ConversationId conversationId(Context ctx) {
    try {
      return new ConversationId(ctx.pathParam("id"));
    } catch (InvalidInputException e) {
      throw ApiProblem.notFound("conversation " + "was not found");
    }
  }

  private static ApprovalId approvalId(Context ctx) {
    try {
      return new ApprovalId(ctx.pathParam("id"));
    } catch (InvalidInputException e) {
      throw ApiProblem.notFound("approval was not found");
    }
  }

  private static UserId userId(Context ctx) {
    try {
      return UserId.of(ctx.pathParam("userId"));
    } catch (InvalidInputException e) {
      throw ApiProblem.notFound("member was not found");
    }
  }

  private static long longParam(Context ctx, String name, long fallback, long min, long max) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(raw);
      if (value < min || value > max) {
        throw ApiProblem.invalid("'" + name + "' must be between " + min + " and " + max);
      }
      return value;
    } catch (NumberFormatException e) {
      throw ApiProblem.invalid("'" + name + "' must be a whole number");
    }
  }
}
