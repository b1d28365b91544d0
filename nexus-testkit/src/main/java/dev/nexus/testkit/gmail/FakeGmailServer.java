package dev.nexus.testkit.gmail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * A stand-in for Gmail and Google's OAuth 2.0 endpoints on loopback, for tests and the sandbox. It
 * speaks the wire format of the Gmail API v1 under {@code /gmail/v1/users/{me|email}/}:
 *
 * <ul>
 *   <li>{@code GET messages} ({@code q}, {@code maxResults}, {@code labelIds}, {@code pageToken},
 *       {@code includeSpamTrash}) and {@code GET messages/{id}} ({@code format=full|metadata|
 *       minimal|raw}, {@code metadataHeaders}), with base64url bodies and nested parts;
 *   <li>{@code POST messages/send} and {@code POST drafts} with a base64url RFC 5322 {@code raw}
 *       message (gzip request bodies are accepted, as the Google client sends them): the message is
 *       parsed, stored in the sender's mailbox as SENT (or DRAFT) with From and Message-ID added
 *       when absent, threaded, and a copy without Bcc delivered to any recipient with a mailbox;
 *   <li>{@code POST messages/{id}/modify}, {@code POST messages/{id}/trash}, {@code GET profile};
 *   <li>Gmail's error bodies {@code {"error":{code, message, errors[{domain, reason}], status}}}
 *       for 400, 401 (authError), 403 (insufficientPermissions, forbidden), 404, 429 and 5xx, and
 *       scope checks per method as Gmail does them.
 * </ul>
 *
 * <p>Google's OAuth endpoints sit at their real paths: {@code GET /o/oauth2/v2/auth} consents at
 * once (as the account set with {@link #consentAs}) and redirects to {@code redirect_uri} with a
 * code and the state; {@code POST /token} exchanges codes (checking PKCE S256 or plain against the
 * challenge, the client and the redirect URI, each code once) and refresh tokens, answering {@code
 * invalid_grant} for unknown, used or revoked ones; {@code POST /revoke} revokes an access or
 * refresh token (a refresh token with every access token issued from it).
 *
 * <p>Every access token maps to one {@link Mailbox}; register tokens with {@link #registerToken} or
 * {@link #issueGrant}, or let the OAuth flow issue them. Faults are injected per operation ({@code
 * messages.list}, {@code messages.get}, {@code messages.send}, {@code drafts.create}, {@code
 * messages.modify}, {@code messages.trash}, {@code users.getProfile}, {@code oauth.token}, {@code
 * oauth.revoke}, or {@code *} for any Gmail API call) with {@link #fail}.
 */
public final class FakeGmailServer implements AutoCloseable {

  /** The OAuth client registered at start. */
  public static final String DEFAULT_CLIENT_ID = "nexus-test.apps.googleusercontent.com";

  /** The secret of {@link #DEFAULT_CLIENT_ID}. */
  public static final String DEFAULT_CLIENT_SECRET = "nexus-test-client-secret";

  /** The account the consent page answers for unless told otherwise. */
  public static final String DEFAULT_ACCOUNT = "me@gmail.test";

  public static final String SCOPE_READONLY = "https://www.googleapis.com/auth/gmail.readonly";
  public static final String SCOPE_SEND = "https://www.googleapis.com/auth/gmail.send";
  public static final String SCOPE_COMPOSE = "https://www.googleapis.com/auth/gmail.compose";
  public static final String SCOPE_MODIFY = "https://www.googleapis.com/auth/gmail.modify";
  public static final String SCOPE_FULL = "https://mail.google.com/";

  /** The four scopes the Nexus Gmail tools ask for. */
  public static final Set<String> TOOL_SCOPES =
      Set.of(SCOPE_READONLY, SCOPE_SEND, SCOPE_COMPOSE, SCOPE_MODIFY);

  /** How long issued access tokens live, as Google's do. */
  public static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofSeconds(3599);

  private static final Pattern API =
      Pattern.compile(
          "/gmail/v1/users/([^/]+)/(messages|drafts|profile)(?:/([^/]+))?(?:/([a-z]+))?");
  private static final Map<String, Set<String>> SCOPES_BY_OPERATION =
      Map.of(
          "messages.list", Set.of(SCOPE_READONLY, SCOPE_MODIFY, SCOPE_FULL),
          "messages.get", Set.of(SCOPE_READONLY, SCOPE_MODIFY, SCOPE_FULL),
          "messages.send", Set.of(SCOPE_SEND, SCOPE_COMPOSE, SCOPE_MODIFY, SCOPE_FULL),
          "drafts.create", Set.of(SCOPE_COMPOSE, SCOPE_MODIFY, SCOPE_FULL),
          "messages.modify", Set.of(SCOPE_MODIFY, SCOPE_FULL),
          "messages.trash", Set.of(SCOPE_MODIFY, SCOPE_FULL),
          "users.getProfile", Set.of(SCOPE_READONLY, SCOPE_COMPOSE, SCOPE_MODIFY, SCOPE_FULL));

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder URL64 = Base64.getUrlEncoder().withoutPadding();

  private final HttpServer server;
  private final ExecutorService executor;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicLong ids = new AtomicLong(0x18c2f4a0b1d00000L);
  private final Map<String, Mailbox> mailboxes = new ConcurrentHashMap<>();
  private final Map<String, TokenGrant> accessTokens = new ConcurrentHashMap<>();
  private final Map<String, RefreshGrant> refreshTokens = new ConcurrentHashMap<>();
  private final Map<String, PendingCode> codes = new ConcurrentHashMap<>();
  private final Map<String, String> clients = new ConcurrentHashMap<>();
  private final List<FaultEntry> faults = Collections.synchronizedList(new ArrayList<>());
  private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  private volatile String consentAccount = DEFAULT_ACCOUNT;
  private volatile Set<String> grantOnly;
  private volatile boolean seedNewAccounts;

  private record TokenGrant(String email, Set<String> scopes, Instant expiresAt, String refresh) {}

  private record RefreshGrant(String email, Set<String> scopes, String clientId) {}

  private record PendingCode(
      String clientId,
      String redirectUri,
      String challenge,
      String method,
      String email,
      Set<String> scopes,
      boolean offline) {}

  private static final class FaultEntry {
    final String operation;
    final Fault fault;
    int remaining;

    FaultEntry(String operation, Fault fault, int remaining) {
      this.operation = operation;
      this.fault = fault;
      this.remaining = remaining;
    }
  }

  /** Tokens issued for a test by {@link #issueGrant}. */
  public record IssuedGrant(String accessToken, String refreshToken, Set<String> scopes) {
    @Override
    public String toString() {
      return "IssuedGrant[scopes=" + scopes + ", tokens=redacted]";
    }
  }

  private FakeGmailServer(HttpServer server, ExecutorService executor, Clock clock) {
    this.server = server;
    this.executor = executor;
    this.clock = clock;
    clients.put(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET);
  }

  /** Starts a fake on a free loopback port, on the system clock. */
  public static FakeGmailServer start() {
    return start(Clock.systemUTC());
  }

  /** Starts a fake on a free loopback port; token lifetimes and sent mail use {@code clock}. */
  public static FakeGmailServer start(Clock clock) {
    Objects.requireNonNull(clock, "clock");
    // The JDK server writes headers and body as two segments; without TCP_NODELAY, Nagle and
    // delayed ACKs stall each answer on a kept-alive connection by up to 40 ms.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    try {
      HttpServer http =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      ExecutorService executor =
          Executors.newCachedThreadPool(
              runnable -> {
                Thread thread = new Thread(runnable, "fake-gmail");
                thread.setDaemon(true);
                return thread;
              });
      FakeGmailServer fake = new FakeGmailServer(http, executor, clock);
      http.createContext("/", fake::handle);
      http.setExecutor(executor);
      http.start();
      return fake;
    } catch (IOException e) {
      throw new UncheckedIOException("the fake Gmail server could not start", e);
    }
  }

  /** {@code http://127.0.0.1:PORT/}: the Gmail API root and the OAuth base alike. */
  public String baseUrl() {
    return "http://"
        + server.getAddress().getAddress().getHostAddress()
        + ":"
        + server.getAddress().getPort()
        + "/";
  }

  /** {@link #baseUrl()} as a URI. */
  public URI baseUri() {
    return URI.create(baseUrl());
  }

  /** The mailbox of {@code email}, created empty (or seeded, see {@link #seedNewAccounts}). */
  public Mailbox account(String email) {
    Objects.requireNonNull(email, "email");
    return mailboxes.computeIfAbsent(
        email.toLowerCase(java.util.Locale.ROOT),
        key -> {
          Mailbox mailbox =
              new Mailbox(
                  email, () -> String.format("%016x", ids.incrementAndGet()), clock::instant);
          return seedNewAccounts ? mailbox.seed() : mailbox;
        });
  }

  /**
   * The mailbox an access token opens.
   *
   * @throws IllegalArgumentException when the token is unknown
   */
  public Mailbox mailbox(String accessToken) {
    TokenGrant grant = accessTokens.get(accessToken);
    if (grant == null) {
      throw new IllegalArgumentException("no such access token is registered");
    }
    return account(grant.email());
  }

  /** Lets {@code accessToken} open {@code email}'s mailbox with every tool scope; returns it. */
  public Mailbox registerToken(String accessToken, String email) {
    return registerToken(accessToken, email, TOOL_SCOPES);
  }

  /** Lets {@code accessToken} open {@code email}'s mailbox with these scopes; returns it. */
  public Mailbox registerToken(String accessToken, String email, Set<String> scopes) {
    Objects.requireNonNull(accessToken, "accessToken");
    accessTokens.put(accessToken, new TokenGrant(email, Set.copyOf(scopes), Instant.MAX, null));
    return account(email);
  }

  /**
   * Issues an access token and a refresh token for {@code email}, as a finished consent of the
   * default client would, so tests can store a grant and refresh it through {@code /token}.
   */
  public IssuedGrant issueGrant(String email, Set<String> scopes) {
    account(email);
    String refresh = "1//fake-refresh-" + random();
    refreshTokens.put(refresh, new RefreshGrant(email, Set.copyOf(scopes), DEFAULT_CLIENT_ID));
    String access = newAccessToken(email, scopes, refresh);
    return new IssuedGrant(access, refresh, Set.copyOf(scopes));
  }

  /** Makes every later request with this access token answer 401, as when it expired. */
  public void expireToken(String accessToken) {
    TokenGrant grant = accessTokens.get(accessToken);
    if (grant != null) {
      accessTokens.put(
          accessToken,
          new TokenGrant(grant.email(), grant.scopes(), Instant.EPOCH, grant.refresh()));
    }
  }

  /** Whether Google would still accept this refresh token. */
  public boolean isRefreshTokenValid(String refreshToken) {
    return refreshTokens.containsKey(refreshToken);
  }

  /** Whether Google would still accept this access token. */
  public boolean isAccessTokenValid(String accessToken) {
    TokenGrant grant = accessTokens.get(accessToken);
    return grant != null && grant.expiresAt().isAfter(clock.instant());
  }

  /** Registers another OAuth client. */
  public void registerClient(String clientId, String clientSecret) {
    clients.put(Objects.requireNonNull(clientId, "clientId"), clientSecret);
  }

  /**
   * The account the consent page answers for from now on, unless the authorization request carries
   * a {@code login_hint}, which then names the account (as Google preselects it).
   */
  public void consentAs(String email) {
    consentAccount = Objects.requireNonNull(email, "email");
  }

  /**
   * Makes the consent page grant only these of the requested scopes (as a person unticking boxes
   * does); {@code null} grants what was asked.
   */
  public void grantOnly(Set<String> scopes) {
    grantOnly = scopes == null ? null : Set.copyOf(scopes);
  }

  /** Whether mailboxes created from now on are seeded with {@link Mailbox#seed()}. */
  public void seedNewAccounts(boolean seed) {
    seedNewAccounts = seed;
  }

  /** Injects {@code fault} into the next request of {@code operation} (or {@code *}). */
  public void fail(String operation, Fault fault) {
    fail(operation, fault, 1);
  }

  /** Injects {@code fault} into the next {@code times} requests of {@code operation}. */
  public void fail(String operation, Fault fault, int times) {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(fault, "fault");
    faults.add(new FaultEntry(operation, fault, times));
  }

  /** Injects {@code fault} into every later request of {@code operation}. */
  public void failAlways(String operation, Fault fault) {
    fail(operation, fault, Integer.MAX_VALUE);
  }

  /** Removes every injected fault. */
  public void clearFaults() {
    faults.clear();
  }

  /** The operations of every request received, in order (faulted ones included). */
  public List<String> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** How many requests of {@code operation} arrived. */
  public long requestCount(String operation) {
    synchronized (requests) {
      return requests.stream().filter(operation::equals).count();
    }
  }

  /** Every message sent through the API, in every mailbox, in the order sent. */
  public List<StoredMessage> sent() {
    List<StoredMessage> all = new ArrayList<>();
    mailboxes.values().forEach(m -> all.addAll(m.sent()));
    all.sort(java.util.Comparator.comparing(StoredMessage::id));
    return all;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // ---------------------------------------------------------------------------------------------
  // HTTP

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if (path.equals("/o/oauth2/v2/auth") && method.equals("GET")) {
        record("oauth.authorize");
        authorize(exchange);
      } else if (path.equals("/token") && method.equals("POST")) {
        record("oauth.token");
        if (!injectFault("oauth.token", exchange)) {
          token(exchange);
        }
      } else if (path.equals("/revoke") && method.equals("POST")) {
        record("oauth.revoke");
        if (!injectFault("oauth.revoke", exchange)) {
          revoke(exchange);
        }
      } else {
        api(exchange, method, path);
      }
    } catch (DroppedConnection dropped) {
      // The exchange closes without response headers, which closes the connection.
    } catch (RuntimeException e) {
      gmailError(exchange, 500, "backendError", "Internal error encountered.");
    }
  }

  private static final class DroppedConnection extends RuntimeException {
    DroppedConnection() {
      super(null, null, false, false);
    }
  }

  private void record(String operation) {
    requests.add(operation);
  }

  /** What an injected fault leaves for the request to do. */
  private enum Injected {
    NONE,
    ANSWERED,
    DROP_AFTER
  }

  /** Applies the first matching fault; returns whether the request was answered by it. */
  private boolean injectFault(String operation, HttpExchange exchange) throws IOException {
    return inject(operation, exchange) == Injected.ANSWERED;
  }

  private Injected inject(String operation, HttpExchange exchange) throws IOException {
    Fault fault = takeFault(operation);
    if (fault == null) {
      return Injected.NONE;
    }
    if (fault instanceof Fault.Latency latency) {
      sleep(latency.delay());
      return Injected.NONE;
    }
    if (fault instanceof Fault.Status status) {
      if (status.retryAfter() != null) {
        exchange.getResponseHeaders().set("Retry-After", status.retryAfter());
      }
      if (status.code() == 401) {
        exchange
            .getResponseHeaders()
            .set("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\"");
      }
      gmailError(exchange, status.code(), status.reason(), messageFor(status.code()));
      return Injected.ANSWERED;
    }
    if (fault instanceof Fault.DropBefore) {
      throw new DroppedConnection();
    }
    return Injected.DROP_AFTER;
  }

  private Fault takeFault(String operation) {
    synchronized (faults) {
      for (FaultEntry entry : faults) {
        boolean api = !operation.startsWith("oauth.");
        if (entry.remaining > 0
            && (entry.operation.equals(operation) || (api && entry.operation.equals("*")))) {
          if (entry.remaining != Integer.MAX_VALUE) {
            entry.remaining--;
          }
          return entry.fault;
        }
      }
      return null;
    }
  }

  private void api(HttpExchange exchange, String method, String path) throws IOException {
    Matcher matcher = API.matcher(path);
    if (!matcher.matches()) {
      record("unknown");
      gmailError(exchange, 404, "notFound", "Not Found");
      return;
    }
    String userId = matcher.group(1);
    String collection = matcher.group(2);
    String id = matcher.group(3);
    String action = matcher.group(4);
    String operation = operation(method, collection, id, action);
    record(operation);
    if (operation.equals("unknown")) {
      gmailError(exchange, 404, "notFound", "Not Found");
      return;
    }
    Injected injected = inject(operation, exchange);
    if (injected == Injected.ANSWERED) {
      return;
    }

    Optional<TokenGrant> grant = bearer(exchange);
    if (grant.isEmpty()) {
      exchange
          .getResponseHeaders()
          .set("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\"");
      gmailError(exchange, 401, "authError", messageFor(401));
      return;
    }
    Mailbox mailbox = account(grant.get().email());
    if (!userId.equals("me") && !userId.equalsIgnoreCase(mailbox.email())) {
      gmailError(exchange, 403, "forbidden", "Delegation denied for " + mailbox.email());
      return;
    }
    if (grant.get().scopes().stream().noneMatch(SCOPES_BY_OPERATION.get(operation)::contains)) {
      gmailError(
          exchange,
          403,
          "insufficientPermissions",
          "Request had insufficient authentication scopes.");
      return;
    }

    JsonNode body = method.equals("POST") ? readJson(exchange) : null;
    ObjectNode answer = execute(exchange, operation, mailbox, id, body);
    if (answer == null) {
      return;
    }
    if (injected == Injected.DROP_AFTER) {
      throw new DroppedConnection();
    }
    send(exchange, 200, "application/json; charset=UTF-8", json.writeValueAsBytes(answer));
  }

  private static String operation(String method, String collection, String id, String action) {
    if (collection.equals("profile")) {
      return method.equals("GET") && id == null ? "users.getProfile" : "unknown";
    }
    if (collection.equals("drafts")) {
      return method.equals("POST") && id == null ? "drafts.create" : "unknown";
    }
    if (id == null) {
      return method.equals("GET") ? "messages.list" : "unknown";
    }
    if (id.equals("send") && action == null) {
      return method.equals("POST") ? "messages.send" : "unknown";
    }
    if (action == null) {
      return method.equals("GET") ? "messages.get" : "unknown";
    }
    if (method.equals("POST") && (action.equals("modify") || action.equals("trash"))) {
      return "messages." + action;
    }
    return "unknown";
  }

  private ObjectNode execute(
      HttpExchange exchange, String operation, Mailbox mailbox, String id, JsonNode body)
      throws IOException {
    Map<String, List<String>> query = query(exchange.getRequestURI().getRawQuery());
    switch (operation) {
      case "messages.list" -> {
        return list(mailbox, query);
      }
      case "users.getProfile" -> {
        ObjectNode profile = json.createObjectNode();
        profile.put("emailAddress", mailbox.email());
        profile.put("messagesTotal", mailbox.messages().size());
        profile.put(
            "threadsTotal", mailbox.messages().stream().map(m -> m.threadId()).distinct().count());
        profile.put("historyId", "4321");
        return profile;
      }
      case "messages.send" -> {
        byte[] raw = raw(exchange, body);
        if (raw == null) {
          return null;
        }
        String threadId = body.path("threadId").asText(null);
        StoredMessage sent = mailbox.send(raw, threadId);
        deliverCopies(sent, mailbox);
        return minimal(sent);
      }
      case "drafts.create" -> {
        JsonNode message = body == null ? null : body.get("message");
        byte[] raw = raw(exchange, message);
        if (raw == null) {
          return null;
        }
        String[] created = mailbox.createDraft(raw, message.path("threadId").asText(null));
        StoredMessage stored = mailbox.message(created[1]).orElseThrow();
        ObjectNode draft = json.createObjectNode();
        draft.put("id", created[0]);
        draft.set("message", minimal(stored));
        return draft;
      }
      default -> {
        if (!id.matches("[0-9a-zA-Z_-]{1,64}")) {
          gmailError(exchange, 400, "invalidArgument", "Invalid id value");
          return null;
        }
        Optional<StoredMessage> found = mailbox.message(id);
        if (found.isEmpty()) {
          gmailError(exchange, 404, "notFound", "Requested entity was not found.");
          return null;
        }
        StoredMessage message = found.get();
        if (operation.equals("messages.get")) {
          String format = first(query, "format").orElse("full");
          return message.toJson(json, format, query.getOrDefault("metadataHeaders", List.of()));
        }
        if (operation.equals("messages.trash")) {
          message.addLabel("TRASH");
          message.removeLabel("INBOX");
          return minimal(message);
        }
        JsonNode add = body == null ? null : body.get("addLabelIds");
        JsonNode remove = body == null ? null : body.get("removeLabelIds");
        if (add != null) {
          add.forEach(label -> message.addLabel(label.asText()));
        }
        if (remove != null) {
          remove.forEach(label -> message.removeLabel(label.asText()));
        }
        return minimal(message);
      }
    }
  }

  private ObjectNode list(Mailbox mailbox, Map<String, List<String>> query) {
    int max = first(query, "maxResults").map(Integer::parseInt).orElse(100);
    max = Math.max(1, Math.min(max, 500));
    int offset = first(query, "pageToken").map(Integer::parseInt).orElse(0);
    List<String> labelIds = query.getOrDefault("labelIds", List.of());
    boolean spamTrash = first(query, "includeSpamTrash").map(Boolean::parseBoolean).orElse(false);
    GmailQuery q = GmailQuery.parse(first(query, "q").orElse(""), mailbox.labelNames());
    List<StoredMessage> matched = mailbox.list(q, labelIds, spamTrash);

    ObjectNode answer = json.createObjectNode();
    List<StoredMessage> page =
        matched.subList(Math.min(offset, matched.size()), Math.min(offset + max, matched.size()));
    if (!page.isEmpty()) {
      ArrayNode messages = answer.putArray("messages");
      for (StoredMessage message : page) {
        ObjectNode stub = messages.addObject();
        stub.put("id", message.id());
        stub.put("threadId", message.threadId());
      }
    }
    if (offset + max < matched.size()) {
      answer.put("nextPageToken", Integer.toString(offset + max));
    }
    answer.put("resultSizeEstimate", matched.size());
    return answer;
  }

  private byte[] raw(HttpExchange exchange, JsonNode message) throws IOException {
    String raw = message == null ? null : message.path("raw").asText(null);
    if (raw == null || raw.isEmpty()) {
      gmailError(exchange, 400, "invalidArgument", "Recipient address required");
      return null;
    }
    try {
      return Base64.getUrlDecoder().decode(raw.replace('+', '-').replace('/', '_'));
    } catch (IllegalArgumentException e) {
      gmailError(exchange, 400, "invalidArgument", "Invalid value for ByteString: " + raw.length());
      return null;
    }
  }

  private void deliverCopies(StoredMessage sent, Mailbox from) {
    try {
      jakarta.mail.internet.MimeMessage mime = sent.mime();
      jakarta.mail.Address[] all = mime.getAllRecipients();
      if (all == null) {
        return;
      }
      mime.removeHeader("Bcc");
      mime.saveChanges();
      mime.setHeader("Message-ID", sent.header("Message-ID"));
      java.io.ByteArrayOutputStream copy = new java.io.ByteArrayOutputStream();
      mime.writeTo(copy);
      Set<String> delivered = new LinkedHashSet<>();
      for (jakarta.mail.Address address : all) {
        String email =
            ((jakarta.mail.internet.InternetAddress) address)
                .getAddress()
                .toLowerCase(java.util.Locale.ROOT);
        Mailbox to = mailboxes.get(email);
        if (to != null && to != from && delivered.add(email)) {
          to.deliver(copy.toByteArray(), sent.internalDate(), Set.of("INBOX", "UNREAD"));
        }
      }
    } catch (jakarta.mail.MessagingException | IOException e) {
      // Delivery to other fake mailboxes is a convenience; the send itself stands.
    }
  }

  private ObjectNode minimal(StoredMessage message) {
    ObjectNode node = json.createObjectNode();
    node.put("id", message.id());
    node.put("threadId", message.threadId());
    ArrayNode labels = node.putArray("labelIds");
    message.labels().forEach(labels::add);
    return node;
  }

  private Optional<TokenGrant> bearer(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    TokenGrant grant = accessTokens.get(header.substring(7).trim());
    if (grant == null || !grant.expiresAt().isAfter(clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(grant);
  }

  // ---------------------------------------------------------------------------------------------
  // OAuth

  private void authorize(HttpExchange exchange) throws IOException {
    Map<String, List<String>> query = query(exchange.getRequestURI().getRawQuery());
    String clientId = first(query, "client_id").orElse("");
    String redirectUri = first(query, "redirect_uri").orElse("");
    if (!clients.containsKey(clientId)) {
      page(exchange, 401, "Error 401: invalid_client. The OAuth client was not found.");
      return;
    }
    if (redirectUri.isEmpty()) {
      page(exchange, 400, "Error 400: invalid_request. Missing required parameter: redirect_uri");
      return;
    }
    if (!first(query, "response_type").orElse("").equals("code")) {
      page(exchange, 400, "Error 400: unsupported_response_type");
      return;
    }
    Set<String> requested = new LinkedHashSet<>();
    for (String scope : first(query, "scope").orElse("").split(" ")) {
      if (!scope.isBlank()) {
        requested.add(scope);
      }
    }
    if (requested.isEmpty()) {
      page(exchange, 400, "Error 400: invalid_request. Missing required parameter: scope");
      return;
    }
    String method = first(query, "code_challenge_method").orElse("plain");
    String challenge = first(query, "code_challenge").orElse(null);
    if (challenge != null && !method.equals("S256") && !method.equals("plain")) {
      page(exchange, 400, "Error 400: invalid_request. Invalid code_challenge_method");
      return;
    }

    Set<String> granted = new LinkedHashSet<>(requested);
    if (grantOnly != null) {
      granted.retainAll(grantOnly);
    }
    String code = "4/0Afake-" + random();
    codes.put(
        code,
        new PendingCode(
            clientId,
            redirectUri,
            challenge,
            method,
            first(query, "login_hint").orElse(consentAccount),
            Set.copyOf(granted),
            first(query, "access_type").orElse("online").equals("offline")));
    StringBuilder location = new StringBuilder(redirectUri);
    location.append(redirectUri.contains("?") ? '&' : '?');
    first(query, "state").ifPresent(s -> location.append("state=").append(encode(s)).append('&'));
    location.append("code=").append(encode(code));
    location.append("&scope=").append(encode(String.join(" ", granted)));
    exchange.getResponseHeaders().set("Location", location.toString());
    exchange.sendResponseHeaders(302, -1);
  }

  private void token(HttpExchange exchange) throws IOException {
    Map<String, List<String>> form = query(new String(body(exchange), StandardCharsets.UTF_8));
    Optional<String> client = client(exchange, form);
    if (client.isEmpty()) {
      oauthError(exchange, 401, "invalid_client", "The OAuth client was not found.");
      return;
    }
    String grantType = first(form, "grant_type").orElse("");
    if (grantType.equals("authorization_code")) {
      PendingCode pending = codes.remove(first(form, "code").orElse(""));
      if (pending == null) {
        oauthError(exchange, 400, "invalid_grant", "Malformed auth code.");
        return;
      }
      if (!pending.clientId().equals(client.get())) {
        oauthError(exchange, 400, "invalid_grant", "The code was issued to another client.");
        return;
      }
      if (!pending.redirectUri().equals(first(form, "redirect_uri").orElse(""))) {
        oauthError(exchange, 400, "redirect_uri_mismatch", "Bad Request");
        return;
      }
      if (pending.challenge() != null) {
        Optional<String> verifier = first(form, "code_verifier");
        if (verifier.isEmpty()) {
          oauthError(exchange, 400, "invalid_grant", "Missing code verifier.");
          return;
        }
        String expected = pending.method().equals("S256") ? s256(verifier.get()) : verifier.get();
        if (!MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.US_ASCII),
            pending.challenge().getBytes(StandardCharsets.US_ASCII))) {
          oauthError(exchange, 400, "invalid_grant", "Invalid code verifier.");
          return;
        }
      }
      account(pending.email());
      String refresh = null;
      if (pending.offline()) {
        refresh = "1//fake-refresh-" + random();
        refreshTokens.put(
            refresh, new RefreshGrant(pending.email(), pending.scopes(), pending.clientId()));
      }
      String access = newAccessToken(pending.email(), pending.scopes(), refresh);
      tokenAnswer(exchange, access, refresh, pending.scopes());
    } else if (grantType.equals("refresh_token")) {
      String refresh = first(form, "refresh_token").orElse("");
      RefreshGrant grant = refreshTokens.get(refresh);
      if (grant == null) {
        oauthError(exchange, 400, "invalid_grant", "Token has been expired or revoked.");
        return;
      }
      if (!grant.clientId().equals(client.get())) {
        oauthError(exchange, 400, "unauthorized_client", "Unauthorized");
        return;
      }
      String access = newAccessToken(grant.email(), grant.scopes(), refresh);
      tokenAnswer(exchange, access, null, grant.scopes());
    } else {
      oauthError(exchange, 400, "unsupported_grant_type", "Invalid grant_type: " + grantType);
    }
  }

  private void revoke(HttpExchange exchange) throws IOException {
    Map<String, List<String>> form = query(new String(body(exchange), StandardCharsets.UTF_8));
    String token =
        first(form, "token")
            .or(() -> first(query(exchange.getRequestURI().getRawQuery()), "token"))
            .orElse("");
    if (refreshTokens.remove(token) != null) {
      accessTokens.values().removeIf(grant -> token.equals(grant.refresh()));
    } else if (accessTokens.remove(token) == null) {
      oauthError(exchange, 400, "invalid_token", "Token expired or revoked");
      return;
    }
    send(exchange, 200, "application/json; charset=utf-8", "{}".getBytes(StandardCharsets.UTF_8));
  }

  private Optional<String> client(HttpExchange exchange, Map<String, List<String>> form) {
    String id = first(form, "client_id").orElse(null);
    String secret = first(form, "client_secret").orElse(null);
    String basic = exchange.getRequestHeaders().getFirst("Authorization");
    if (id == null && basic != null && basic.regionMatches(true, 0, "Basic ", 0, 6)) {
      String decoded =
          new String(Base64.getDecoder().decode(basic.substring(6).trim()), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      if (colon > 0) {
        id = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
        secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
      }
    }
    if (id == null || !clients.containsKey(id) || !Objects.equals(clients.get(id), secret)) {
      return Optional.empty();
    }
    return Optional.of(id);
  }

  private String newAccessToken(String email, Set<String> scopes, String refresh) {
    String access = "ya29.fake-" + random();
    accessTokens.put(
        access,
        new TokenGrant(
            email, Set.copyOf(scopes), clock.instant().plus(ACCESS_TOKEN_LIFETIME), refresh));
    return access;
  }

  private void tokenAnswer(HttpExchange exchange, String access, String refresh, Set<String> scopes)
      throws IOException {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("access_token", access);
    answer.put("expires_in", ACCESS_TOKEN_LIFETIME.toSeconds());
    answer.put("scope", String.join(" ", scopes));
    answer.put("token_type", "Bearer");
    if (refresh != null) {
      answer.put("refresh_token", refresh);
    }
    exchange.getResponseHeaders().set("Cache-Control", "no-cache, no-store, max-age=0");
    send(exchange, 200, "application/json; charset=utf-8", json.writeValueAsBytes(answer));
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private void gmailError(HttpExchange exchange, int code, String reason, String message)
      throws IOException {
    ObjectNode root = json.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("code", code);
    error.put("message", message);
    ObjectNode info = error.putArray("errors").addObject();
    info.put("message", message);
    info.put("domain", "global");
    info.put("reason", reason);
    error.put("status", status(code));
    send(exchange, code, "application/json; charset=UTF-8", json.writeValueAsBytes(root));
  }

  private void oauthError(HttpExchange exchange, int code, String error, String description)
      throws IOException {
    ObjectNode root = json.createObjectNode();
    root.put("error", error);
    root.put("error_description", description);
    send(exchange, code, "application/json; charset=utf-8", json.writeValueAsBytes(root));
  }

  private static void page(HttpExchange exchange, int code, String text) throws IOException {
    send(
        exchange,
        code,
        "text/html; charset=utf-8",
        ("<html><body><p>" + text + "</p></body></html>").getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int code, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static String status(int code) {
    return switch (code) {
      case 400 -> "INVALID_ARGUMENT";
      case 401 -> "UNAUTHENTICATED";
      case 403 -> "PERMISSION_DENIED";
      case 404 -> "NOT_FOUND";
      case 409 -> "ABORTED";
      case 429 -> "RESOURCE_EXHAUSTED";
      case 503 -> "UNAVAILABLE";
      default -> code >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
    };
  }

  private static String messageFor(int code) {
    return switch (code) {
      case 401 ->
          "Request had invalid authentication credentials. Expected OAuth 2 access token, login"
              + " cookie or other valid authentication credential.";
      case 403 -> "The caller does not have permission";
      case 404 -> "Requested entity was not found.";
      case 429 -> "Too many concurrent requests for user.";
      case 503 -> "The service is currently unavailable.";
      default -> code >= 500 ? "Internal error encountered." : "Bad Request";
    };
  }

  private JsonNode readJson(HttpExchange exchange) throws IOException {
    byte[] bytes = body(exchange);
    return bytes.length == 0 ? json.createObjectNode() : json.readTree(bytes);
  }

  private static byte[] body(HttpExchange exchange) throws IOException {
    byte[] bytes;
    try (InputStream in = exchange.getRequestBody()) {
      bytes = in.readAllBytes();
    }
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    if (encoding != null && encoding.equalsIgnoreCase("gzip")) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
        return in.readAllBytes();
      }
    }
    return bytes;
  }

  private static Map<String, List<String>> query(String raw) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return values;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return values;
  }

  private static Optional<String> first(Map<String, List<String>> values, String key) {
    List<String> list = values.get(key);
    return list == null || list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String s256(String verifier) {
    try {
      return URL64.encodeToString(
          MessageDigest.getInstance("SHA-256")
              .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static String random() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static void sleep(Duration delay) {
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
