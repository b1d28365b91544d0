package dev.nexus.testkit.notion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the Notion API (version {@value #NOTION_VERSION}) on loopback, for tests,
 * benchmarks and the sandbox. It speaks Notion's wire format: the {@code Notion-Version} header is
 * required (400 {@code missing_version} without it), requests carry {@code Authorization: Bearer},
 * lists page with {@code page_size}, {@code start_cursor}, {@code has_more} and {@code
 * next_cursor}, rich text over 2,000 characters and more than 100 blocks in one request are refused
 * with {@code validation_error}, and errors have the shape {@code {"object":"error", status, code,
 * message, request_id}}.
 *
 * <p>Endpoints: {@code POST /v1/search}, {@code POST /v1/pages}, {@code GET|PATCH /v1/pages/{id}},
 * {@code GET|PATCH /v1/blocks/{id}/children}, {@code GET /v1/data_sources/{id}}, {@code POST
 * /v1/data_sources/{id}/query}, {@code GET /v1/databases/{id}}; and OAuth at Notion's paths: {@code
 * GET /v1/oauth/authorize} consents at once and redirects with a code and the state, {@code POST
 * /v1/oauth/token} (HTTP Basic client authentication, JSON body) exchanges codes (checking PKCE
 * S256 when a challenge was sent) and refresh tokens, which rotate: each refresh answers a new
 * refresh token and the used one is refused with {@code invalid_grant} afterwards. {@code POST
 * /v1/oauth/revoke} forgets an access token.
 *
 * <p>Each access token reaches one {@link NotionWorkspace}: {@link #registerToken(String)} gives a
 * token a fresh workspace, {@link #issueTokens} hands out an access and refresh token pair for a
 * workspace, and each consent through the authorize endpoint installs into a new workspace (or
 * {@link #installNextInto the one a test chose}).
 *
 * <p>Faults: {@link #fail(Fault)} and {@link #fail(String, String, Fault)} make the next matching
 * request fail (latency, 429 with {@code Retry-After}, 500, 529, a dropped connection, 401); {@link
 * #expire(String)} makes a token answer 401 for good. {@link #requests()} lists every request as
 * {@code METHOD /path}.
 */
public final class FakeNotionServer implements AutoCloseable {

  /** The only API version the fake accepts. */
  public static final String NOTION_VERSION = "2025-09-03";

  /** The OAuth client registered at start. */
  public static final String CLIENT_ID = "nexus-notion-test-client";

  /** The secret of {@link #CLIENT_ID}. Not a real secret. */
  public static final String CLIENT_SECRET = "nexus-notion-test-secret";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** An access and refresh token pair the fake issued. */
  public record Tokens(String accessToken, String refreshToken) {
    @Override
    public String toString() {
      return "Tokens[redacted]";
    }
  }

  private record PendingFault(String method, String pathPrefix, Fault fault) {}

  private record Code(
      NotionWorkspace workspace, String redirectUri, String challenge, String clientId) {}

  private final HttpServer server;
  private final ExecutorService executor;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final AtomicInteger installations = new AtomicInteger();

  private final Map<String, String> clients = new ConcurrentHashMap<>();
  private final Map<String, NotionWorkspace> accessTokens = new ConcurrentHashMap<>();
  private final Set<String> expired = ConcurrentHashMap.newKeySet();
  private final Map<String, NotionWorkspace> refreshTokens = new ConcurrentHashMap<>();
  private final Set<String> usedRefreshTokens = ConcurrentHashMap.newKeySet();
  private final Map<String, Code> codes = new ConcurrentHashMap<>();
  private final List<PendingFault> faults = new ArrayList<>();
  private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  private volatile NotionWorkspace nextInstallation;
  private volatile boolean seedInstallations;

  private FakeNotionServer(int port, Clock clock) {
    // The JDK server writes headers and body as two segments; on a kept-alive connection Nagle and
    // delayed ACKs then stall each answer for up to 40 ms. It reads this once, at its first start.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    clients.put(CLIENT_ID, CLIENT_SECRET);
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("the fake Notion server could not bind its port", e);
    }
    executor = Executors.newFixedThreadPool(8);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a fake on a free loopback port. */
  public static FakeNotionServer start() {
    return new FakeNotionServer(0, Clock.systemUTC());
  }

  /** Starts a fake on {@code port} (0 for any free one), stamping objects with {@code clock}. */
  public static FakeNotionServer start(int port, Clock clock) {
    return new FakeNotionServer(port, clock);
  }

  /** {@code http://127.0.0.1:PORT}, without a trailing slash; the API is under {@code /v1/}. */
  public String baseUrl() {
    return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + port();
  }

  /** {@code http://127.0.0.1:PORT/v1/}. */
  public String apiBaseUrl() {
    return baseUrl() + "/v1/";
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // ------------------------------------------------------------------ workspaces and tokens

  /** A new, empty workspace that no token reaches yet. */
  public NotionWorkspace createWorkspace(String name) {
    return new NotionWorkspace(name, clock);
  }

  /** Gives {@code accessToken} a new, empty workspace and returns it. */
  public NotionWorkspace registerToken(String accessToken) {
    NotionWorkspace workspace = createWorkspace("Workspace " + installations.incrementAndGet());
    registerToken(accessToken, workspace);
    return workspace;
  }

  /** Lets {@code accessToken} reach {@code workspace}. */
  public void registerToken(String accessToken, NotionWorkspace workspace) {
    accessTokens.put(Objects.requireNonNull(accessToken, "accessToken"), workspace);
    expired.remove(accessToken);
  }

  /** Issues a new access token and refresh token for {@code workspace}. */
  public Tokens issueTokens(NotionWorkspace workspace) {
    Objects.requireNonNull(workspace, "workspace");
    String access = "ntn_" + randomToken();
    String refresh = "nrt_" + randomToken();
    accessTokens.put(access, workspace);
    refreshTokens.put(refresh, workspace);
    return new Tokens(access, refresh);
  }

  /** The workspace {@code accessToken} reaches. */
  public Optional<NotionWorkspace> workspace(String accessToken) {
    return Optional.ofNullable(accessTokens.get(accessToken));
  }

  /** Makes {@code accessToken} answer 401 unauthorized from now on, as an expired token does. */
  public void expire(String accessToken) {
    expired.add(accessToken);
  }

  /** Whether the fake still accepts {@code accessToken}. */
  public boolean accepts(String accessToken) {
    return accessTokens.containsKey(accessToken) && !expired.contains(accessToken);
  }

  /** The next consent through {@code /v1/oauth/authorize} installs into {@code workspace}. */
  public void installNextInto(NotionWorkspace workspace) {
    this.nextInstallation = workspace;
  }

  /**
   * Whether workspaces created by a consent through {@code /v1/oauth/authorize} are filled with
   * {@link NotionWorkspace#seed()} (off by default; the sandbox turns it on).
   */
  public void seedNewInstallations(boolean seed) {
    this.seedInstallations = seed;
  }

  /** Registers another OAuth client. */
  public void registerClient(String clientId, String clientSecret) {
    clients.put(clientId, clientSecret);
  }

  // ------------------------------------------------------------------ faults and observation

  /** The next request of any kind fails with {@code fault}. Faults queue up in order. */
  public void fail(Fault fault) {
    fail(null, "", fault);
  }

  /**
   * The next request with this method (null: any) whose path starts with {@code pathPrefix} fails
   * with {@code fault}.
   */
  public void fail(String method, String pathPrefix, Fault fault) {
    synchronized (faults) {
      faults.add(new PendingFault(method, Objects.requireNonNull(pathPrefix, "pathPrefix"), fault));
    }
  }

  /** Forgets faults that were queued and not used. */
  public void clearFaults() {
    synchronized (faults) {
      faults.clear();
    }
  }

  /** Every request so far as {@code METHOD /path}, in arrival order. */
  public List<String> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** How many requests had this method and a path starting with {@code pathPrefix}. */
  public int requestCount(String method, String pathPrefix) {
    String prefix = method + " " + pathPrefix;
    return (int) requests().stream().filter(r -> r.startsWith(prefix)).count();
  }

  /** Forgets the request log. */
  public void clearRequests() {
    requests.clear();
  }

  // ------------------------------------------------------------------ HTTP

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath();
      requests.add(method + " " + path);
      Fault fault = takeFault(method, path);
      if (fault != null && fault.kind() == Fault.Kind.LATENCY) {
        sleep(fault);
        fault = null;
      }
      if (fault != null && fault.kind() == Fault.Kind.DROP_BEFORE) {
        drop(exchange);
        return;
      }
      if (fault != null && fault.kind() == Fault.Kind.ERROR) {
        NotionApiError error =
            new NotionApiError(fault.status(), fault.code(), messageFor(fault.code()));
        if (fault.retryAfterSeconds() >= 0) {
          exchange
              .getResponseHeaders()
              .set("Retry-After", String.valueOf(fault.retryAfterSeconds()));
        }
        sendError(exchange, error);
        return;
      }

      Answer answer;
      try {
        answer = route(exchange, method, path);
      } catch (NotionApiError error) {
        answer = null;
        if (fault == null) {
          sendError(exchange, error);
          return;
        }
      }
      if (fault != null && fault.kind() == Fault.Kind.DROP_AFTER) {
        drop(exchange);
        return;
      }
      answer.send(exchange);
    } catch (RuntimeException e) {
      sendError(
          exchange,
          new NotionApiError(500, "internal_server_error", "Unexpected error in the fake."));
    }
  }

  private Answer route(HttpExchange exchange, String method, String path) throws IOException {
    if (path.startsWith("/v1/oauth/")) {
      return oauth(exchange, method, path);
    }
    String version = exchange.getRequestHeaders().getFirst("Notion-Version");
    if (version == null) {
      throw new NotionApiError(
          400,
          "missing_version",
          "Notion-Version header failed validation: Notion-Version header should be defined,"
              + " instead was `undefined`.");
    }
    if (!NOTION_VERSION.equals(version)) {
      throw NotionApiError.validation(
          "Notion-Version header failed validation: it should be `\""
              + NOTION_VERSION
              + "\"` for this server, instead was `\""
              + version
              + "\"`.");
    }
    NotionWorkspace workspace = authenticate(exchange);
    String[] parts = path.substring(1).split("/");
    Map<String, String> query = query(exchange);

    if (method.equals("POST") && path.equals("/v1/search")) {
      return Answer.json(200, workspace.search(body(exchange)));
    }
    if (method.equals("POST") && path.equals("/v1/pages")) {
      return Answer.json(200, workspace.createPage(body(exchange)));
    }
    if (parts.length == 3 && parts[1].equals("pages")) {
      String id = NotionWorkspace.normalizeId(parts[2], "path.page_id");
      if (method.equals("GET")) {
        return Answer.json(200, workspace.getPage(id));
      }
      if (method.equals("PATCH")) {
        return Answer.json(200, workspace.updatePage(id, body(exchange)));
      }
    }
    if (parts.length == 4 && parts[1].equals("blocks") && parts[3].equals("children")) {
      String id = NotionWorkspace.normalizeId(parts[2], "path.block_id");
      if (method.equals("GET")) {
        JsonNode size =
            query.containsKey("page_size")
                ? JSON.getNodeFactory().textNode(query.get("page_size"))
                : null;
        JsonNode cursor =
            query.containsKey("start_cursor")
                ? JSON.getNodeFactory().textNode(query.get("start_cursor"))
                : null;
        return Answer.json(200, workspace.listChildren(id, size, cursor));
      }
      if (method.equals("PATCH")) {
        return Answer.json(200, workspace.appendChildren(id, body(exchange)));
      }
    }
    if (parts.length == 3 && parts[1].equals("data_sources") && method.equals("GET")) {
      return Answer.json(
          200,
          workspace.getDataSource(NotionWorkspace.normalizeId(parts[2], "path.data_source_id")));
    }
    if (parts.length == 4
        && parts[1].equals("data_sources")
        && parts[3].equals("query")
        && method.equals("POST")) {
      return Answer.json(
          200,
          workspace.queryDataSource(
              NotionWorkspace.normalizeId(parts[2], "path.data_source_id"), body(exchange)));
    }
    if (parts.length == 3 && parts[1].equals("databases") && method.equals("GET")) {
      return Answer.json(
          200, workspace.getDatabase(NotionWorkspace.normalizeId(parts[2], "path.database_id")));
    }
    throw new NotionApiError(400, "invalid_request_url", "Invalid request URL.");
  }

  private NotionWorkspace authenticate(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    String token =
        header != null && header.startsWith("Bearer ") ? header.substring(7).trim() : null;
    NotionWorkspace workspace = token == null ? null : accessTokens.get(token);
    if (workspace == null || expired.contains(token)) {
      throw new NotionApiError(401, "unauthorized", "API token is invalid.");
    }
    return workspace;
  }

  // ------------------------------------------------------------------ OAuth

  private Answer oauth(HttpExchange exchange, String method, String path) throws IOException {
    if (method.equals("GET") && path.equals("/v1/oauth/authorize")) {
      return authorize(query(exchange));
    }
    if (!method.equals("POST")
        || !(path.equals("/v1/oauth/token") || path.equals("/v1/oauth/revoke"))) {
      throw new NotionApiError(400, "invalid_request_url", "Invalid request URL.");
    }
    String client = basicClient(exchange.getRequestHeaders().getFirst("Authorization"));
    if (client == null) {
      return oauthError(401, "invalid_client", "Client authentication failed.");
    }
    JsonNode body = body(exchange);
    if (path.equals("/v1/oauth/revoke")) {
      String token = body.path("token").asText("");
      if (accessTokens.remove(token) == null && refreshTokens.remove(token) == null) {
        return oauthError(400, "invalid_grant", "The token is unknown.");
      }
      return Answer.json(
          200, JSON.createObjectNode().put("request_id", UUID.randomUUID().toString()));
    }
    String grant = body.path("grant_type").asText("");
    if (grant.equals("authorization_code")) {
      Code code = codes.remove(body.path("code").asText(""));
      if (code == null || !code.clientId().equals(client)) {
        return oauthError(400, "invalid_grant", "The authorization code is invalid or was used.");
      }
      if (!code.redirectUri().equals(body.path("redirect_uri").asText(""))) {
        return oauthError(400, "invalid_grant", "redirect_uri does not match the authorization.");
      }
      if (code.challenge() != null
          && !code.challenge().equals(s256(body.path("code_verifier").asText("")))) {
        return oauthError(400, "invalid_grant", "The code_verifier does not match the challenge.");
      }
      return Answer.json(200, tokenAnswer(code.workspace()));
    }
    if (grant.equals("refresh_token")) {
      String used = body.path("refresh_token").asText("");
      NotionWorkspace workspace = refreshTokens.remove(used);
      if (workspace == null || !usedRefreshTokens.add(used)) {
        return oauthError(400, "invalid_grant", "The refresh token is invalid or was used.");
      }
      return Answer.json(200, tokenAnswer(workspace));
    }
    return oauthError(400, "unsupported_grant_type", "The grant type is not supported.");
  }

  private Answer authorize(Map<String, String> query) {
    String clientId = query.get("client_id");
    String redirectUri = query.get("redirect_uri");
    if (clientId == null || !clients.containsKey(clientId)) {
      return Answer.text(400, "Unknown client_id.");
    }
    if (!"code".equals(query.get("response_type")) || redirectUri == null) {
      return Answer.text(400, "response_type=code and redirect_uri are required.");
    }
    String challenge = query.get("code_challenge");
    if (challenge != null && !"S256".equals(query.get("code_challenge_method"))) {
      return Answer.text(400, "Only code_challenge_method=S256 is supported.");
    }
    NotionWorkspace workspace = nextInstallation;
    nextInstallation = null;
    if (workspace == null) {
      workspace = createWorkspace("Workspace " + installations.incrementAndGet());
      if (seedInstallations) {
        workspace.seed();
      }
    }
    String code = "code_" + randomToken();
    codes.put(code, new Code(workspace, redirectUri, challenge, clientId));
    StringBuilder location = new StringBuilder(redirectUri);
    location.append(redirectUri.contains("?") ? '&' : '?');
    location.append("code=").append(URLEncoder.encode(code, StandardCharsets.UTF_8));
    if (query.containsKey("state")) {
      location
          .append("&state=")
          .append(URLEncoder.encode(query.get("state"), StandardCharsets.UTF_8));
    }
    return Answer.redirect(location.toString());
  }

  private ObjectNode tokenAnswer(NotionWorkspace workspace) {
    Tokens tokens = issueTokens(workspace);
    ObjectNode answer = JSON.createObjectNode();
    answer.put("access_token", tokens.accessToken());
    answer.put("token_type", "bearer");
    answer.put("refresh_token", tokens.refreshToken());
    answer.put("bot_id", workspace.botId());
    answer.put("workspace_name", workspace.name());
    answer.putNull("workspace_icon");
    answer.put("workspace_id", workspace.id());
    ObjectNode owner = answer.putObject("owner");
    owner.put("type", "user");
    owner.putObject("user").put("object", "user").put("id", UUID.randomUUID().toString());
    answer.putNull("duplicated_template_id");
    answer.put("request_id", UUID.randomUUID().toString());
    return answer;
  }

  private String basicClient(String header) {
    if (header == null || !header.startsWith("Basic ")) {
      return null;
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return null;
    }
    String id = decoded.substring(0, colon);
    String secret = decoded.substring(colon + 1);
    return secret.equals(clients.get(id)) ? id : null;
  }

  private static Answer oauthError(int status, String error, String description) {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", error).put("error_description", description);
    body.put("request_id", UUID.randomUUID().toString());
    return Answer.json(status, body);
  }

  // ------------------------------------------------------------------ helpers

  private Fault takeFault(String method, String path) {
    synchronized (faults) {
      Iterator<PendingFault> pending = faults.iterator();
      while (pending.hasNext()) {
        PendingFault candidate = pending.next();
        if ((candidate.method() == null || candidate.method().equals(method))
            && path.startsWith(candidate.pathPrefix())) {
          pending.remove();
          return candidate.fault();
        }
      }
      return null;
    }
  }

  private static void sleep(Fault fault) {
    try {
      Thread.sleep(fault.delay().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Closes the connection without an answer; the client sees the stream end. */
  private static void drop(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().readAllBytes();
    exchange.close();
  }

  private static String messageFor(String code) {
    return switch (code) {
      case "rate_limited" -> "You have been rate limited. Please try again in a few minutes.";
      case "unauthorized" -> "API token is invalid.";
      case "restricted_resource" -> "API token does not have access to this resource.";
      case "object_not_found" -> "Could not find the object.";
      case "service_overload" -> "Notion is overloaded. Please try again later.";
      case "service_unavailable" -> "Notion is unavailable. Please try again later.";
      case "conflict_error" -> "Transaction could not be completed; please retry.";
      default -> "Unexpected error occurred.";
    };
  }

  private static JsonNode body(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readAllBytes();
      if (bytes.length == 0) {
        return JSON.createObjectNode();
      }
      try {
        JsonNode body = JSON.readTree(bytes);
        if (!body.isObject()) {
          throw NotionApiError.validation("body failed validation: body should be an object.");
        }
        return body;
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new NotionApiError(400, "invalid_json", "Error parsing JSON body.");
      }
    }
  }

  private static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> values = new LinkedHashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return values;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      values.put(key, value);
    }
    return values;
  }

  private static void sendError(HttpExchange exchange, NotionApiError error) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("object", "error");
    body.put("status", error.status());
    body.put("code", error.code());
    body.put("message", error.getMessage());
    body.put("request_id", UUID.randomUUID().toString());
    Answer.json(error.status(), body).send(exchange);
  }

  private String randomToken() {
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String s256(String verifier) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** One answer to send. */
  private record Answer(int status, byte[] body, String contentType, String location) {

    static Answer json(int status, ObjectNode body) {
      if (!body.has("request_id") && "list".equals(body.path("object").asText())) {
        body.put("request_id", UUID.randomUUID().toString());
      }
      try {
        return new Answer(
            status, JSON.writeValueAsBytes(body), "application/json; charset=utf-8", null);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    static Answer text(int status, String text) {
      return new Answer(
          status, text.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8", null);
    }

    static Answer redirect(String location) {
      return new Answer(302, new byte[0], "text/plain; charset=utf-8", location);
    }

    void send(HttpExchange exchange) throws IOException {
      exchange.getResponseHeaders().set("Content-Type", contentType);
      if (location != null) {
        exchange.getResponseHeaders().set("Location", location);
      }
      exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }
}
