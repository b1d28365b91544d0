package dev.nexus.testkit.auth0;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
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
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for an Auth0 tenant on loopback, for tests and the sandbox. It serves:
 *
 * <ul>
 *   <li>{@code GET /.well-known/jwks.json}: its RSA signing keys (one, until {@link
 *       #rotateSigningKey()} adds more);
 *   <li>{@code GET /authorize}: Universal Login for a single-page app registered with {@link
 *       #registerSinglePageApp}, authorization code flow with PKCE (S256 only). There is no login
 *       form: the request is consented at once as the identity set with {@link #signInAs}, and the
 *       browser is redirected back to {@code redirect_uri} with {@code code} and {@code state} (or
 *       with {@code error} and {@code error_description} once the client and redirect URI are known
 *       to be genuine). An {@code organization} (id or name) must exist and count the identity
 *       among its members;
 *   <li>{@code POST /oauth/token} (JSON or form): {@code authorization_code} for those apps,
 *       checking the code (single use, one minute), {@code client_id}, {@code redirect_uri} and
 *       {@code code_verifier} and answering an RS256 access token for the requested audience, with
 *       {@code org_id} for organization logins, and an ID token when {@code openid} was asked for;
 *       {@code client_credentials} for registered clients, answering a Management API token, and
 *       the federated-connection token exchange ({@value #TOKEN_EXCHANGE_GRANT}) answering the
 *       connection access token a test registered with {@link #registerConnectionToken}. Answers to
 *       a browser carry CORS headers for the single-page apps' origins;
 *   <li>{@code GET /v2/logout}: redirects to {@code returnTo} when it is a callback URL of the
 *       named app;
 *   <li>the Management API organization endpoints under {@code /api/v2/}: organizations (create,
 *       get by id and by name), members (add, remove, list with roles), member roles (list, assign,
 *       remove) and roles (list, seeded with admin, manager, member and guest), with Auth0-shaped
 *       JSON and errors ({@code {statusCode, error, message, errorCode}}).
 * </ul>
 *
 * <p>Tests mint access tokens signed by its key with {@link #token()} (a builder with sensible
 * defaults) or {@link #mintToken(Map)} (exact claims), and malformed ones with the {@code
 * unsigned...}, {@code signedWith...} and {@code malformed...} helpers. The issuer is {@link
 * #issuer()} ({@code http://127.0.0.1:PORT/}, with the trailing slash Auth0 uses).
 *
 * <p>Fault injection: {@link #failJwks(int)} makes the key set answer an HTTP error, and {@link
 * #failNextManagementCalls(int, int)} makes the next Management API calls answer a status. Key
 * rotation: {@link #rotateSigningKey()} publishes a new key and signs with it from then on, keeping
 * the old ones published until {@link #withdrawSigningKey(String)}.
 */
public final class FakeAuth0Server implements AutoCloseable {

  /** The grant type of Auth0's federated-connection token exchange (Token Vault). */
  public static final String TOKEN_EXCHANGE_GRANT =
      "urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token";

  /** The token type Auth0 answers for a federated-connection access token. */
  public static final String FEDERATED_TOKEN_TYPE =
      "http://auth0.com/oauth/token-type/federated-connection-access-token";

  /** The audience tokens minted by {@link #token()} carry unless told otherwise. */
  public static final String DEFAULT_AUDIENCE = "https://api.nexus.test/";

  /** The client registered at start for the Management API. */
  public static final String DEFAULT_CLIENT_ID = "nexus-test-client";

  /** The secret of {@link #DEFAULT_CLIENT_ID}. Not a real secret. */
  public static final String DEFAULT_CLIENT_SECRET = "nexus-test-secret";

  private static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
  private static final String REFRESH_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:refresh_token";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CODE_TTL = Duration.ofMinutes(1);
  private static final Duration USER_TOKEN_TTL = Duration.ofDays(1);

  private final HttpServer server;
  private final ExecutorService executor;
  private final Clock clock;
  private volatile List<PublishedKey> publishedKeys;
  private final KeyPair strangerKey;
  private final SecureRandom random = new SecureRandom();

  private final Map<String, String> clients = new ConcurrentHashMap<>();
  private final Map<String, String> refreshTokens = new ConcurrentHashMap<>();
  private final Map<String, ConnectionToken> connectionTokens = new ConcurrentHashMap<>();
  private final AtomicInteger jwksRequests = new AtomicInteger();
  private final AtomicInteger tokenExchanges = new AtomicInteger();
  private final Map<String, List<URI>> singlePageApps = new ConcurrentHashMap<>();
  private final Map<String, PendingCode> codes = new ConcurrentHashMap<>();
  private final AtomicInteger codesRedeemed = new AtomicInteger();
  private volatile Login login = new Login("auth0|test-user", Map.of());
  private volatile AuthorizeRequest lastAuthorization;
  private volatile int jwksFailureStatus;
  private int managementFailures;
  private int managementFailureStatus;

  // Management API state, guarded by this.
  private final Map<String, ObjectNode> organizations = new LinkedHashMap<>();
  private final Map<String, TreeMap<String, List<String>>> members = new LinkedHashMap<>();
  private final Map<String, String> roleNamesById = new LinkedHashMap<>();

  /**
   * RSA key generation takes about 100 ms, so every fake tenant of a JVM signs with the same pair
   * (under its own random key id) and uses the same stranger's pair for forged tokens.
   */
  private static final class Keys {
    static final KeyPair SIGNING = rsaKeyPair();
    static final KeyPair STRANGER = rsaKeyPair();
  }

  private record ConnectionToken(String accessToken, long expiresInSeconds, String scope) {}

  /** A key of the published set; the last one published signs. */
  private record PublishedKey(String keyId, KeyPair pair) {
    RSAPublicKey publicKey() {
      return (RSAPublicKey) pair.getPublic();
    }
  }

  /**
   * The person {@code /authorize} signs in: their Auth0 user id and any further claims their access
   * token carries (for example a namespaced role claim, or {@code email}).
   */
  public record Login(String subject, Map<String, Object> claims) {
    public Login {
      Objects.requireNonNull(subject, "subject");
      claims = Map.copyOf(claims);
    }
  }

  /**
   * What {@code /authorize} was asked, as it arrived. {@code audience}, {@code organization}, and
   * {@code state} are null when absent.
   */
  public record AuthorizeRequest(
      String clientId,
      String redirectUri,
      String responseType,
      String scope,
      String audience,
      String organization,
      String state,
      String codeChallenge,
      String codeChallengeMethod) {}

  /** An issued code: what it was bound to at {@code /authorize}. */
  private record PendingCode(
      String clientId,
      String redirectUri,
      String codeChallenge,
      String audience,
      String scope,
      String organizationId,
      Login login,
      Instant expiresAt) {}

  static {
    // The JDK server's default (Nagle without TCP_NODELAY) adds ~40 ms to small answers.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private FakeAuth0Server(int port, Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.strangerKey = Keys.STRANGER;
    this.publishedKeys = List.of(new PublishedKey(newKeyId(), Keys.SIGNING));
    clients.put(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET);
    for (String role : List.of("admin", "manager", "member", "guest")) {
      roleNamesById.put("rol_" + HexFormat.of().formatHex(randomBytes(8)), role);
    }
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("the fake Auth0 server could not bind its port", e);
    }
    executor = Executors.newFixedThreadPool(4);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a fake tenant on a free loopback port, minting tokens with the system clock. */
  public static FakeAuth0Server start() {
    return new FakeAuth0Server(0, Clock.systemUTC());
  }

  /** Starts a fake tenant on a free loopback port, minting tokens stamped by {@code clock}. */
  public static FakeAuth0Server start(Clock clock) {
    return new FakeAuth0Server(0, clock);
  }

  /** Starts a fake tenant on {@code port} (0 for any free one). */
  public static FakeAuth0Server start(int port, Clock clock) {
    return new FakeAuth0Server(port, clock);
  }

  /** {@code http://127.0.0.1:PORT}, without a trailing slash. */
  public String baseUrl() {
    return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + port();
  }

  /** The port the server listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The {@code iss} of every token it mints: the base URL with a trailing slash. */
  public String issuer() {
    return baseUrl() + "/";
  }

  /** Where its key set is published. */
  public String jwksUrl() {
    return baseUrl() + "/.well-known/jwks.json";
  }

  /** The Management API audience, {@code <base>/api/v2/}. */
  public String managementAudience() {
    return baseUrl() + "/api/v2/";
  }

  /** The id ({@code kid}) of its signing key, the one it signs with now. */
  public String keyId() {
    return signingKey().keyId();
  }

  /** Its public signing key, the one it signs with now. */
  public RSAPublicKey publicKey() {
    return signingKey().publicKey();
  }

  /**
   * Publishes a new signing key under a new {@code kid} and signs every later token with it, as a
   * key rotation does; the keys published before stay in the key set. Returns the new key id.
   */
  public synchronized String rotateSigningKey() {
    PublishedKey next = new PublishedKey(newKeyId(), rsaKeyPair());
    List<PublishedKey> keys = new ArrayList<>(publishedKeys);
    keys.add(next);
    publishedKeys = List.copyOf(keys);
    return next.keyId();
  }

  /**
   * Removes a key from the key set, as revoking a rotated-out key does.
   *
   * @throws IllegalArgumentException when {@code keyId} is not published or is the one signing now
   */
  public synchronized void withdrawSigningKey(String keyId) {
    Objects.requireNonNull(keyId, "keyId");
    if (keyId.equals(keyId())) {
      throw new IllegalArgumentException("the key signing now cannot be withdrawn");
    }
    List<PublishedKey> keys = new ArrayList<>(publishedKeys);
    if (!keys.removeIf(k -> k.keyId().equals(keyId))) {
      throw new IllegalArgumentException("no published key " + keyId);
    }
    publishedKeys = List.copyOf(keys);
  }

  /** The ids of the keys in its key set, oldest first. */
  public List<String> publishedKeyIds() {
    return publishedKeys.stream().map(PublishedKey::keyId).toList();
  }

  private PublishedKey signingKey() {
    List<PublishedKey> keys = publishedKeys;
    return keys.get(keys.size() - 1);
  }

  private String newKeyId() {
    return "fake-" + HexFormat.of().formatHex(randomBytes(6));
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // ---------------------------------------------------------------- tokens

  /** A builder of access tokens signed by this tenant, with sensible defaults. */
  public TokenBuilder token() {
    return new TokenBuilder(this);
  }

  /** Signs exactly these claims with this tenant's key (RS256, its {@code kid}). */
  public String mintToken(Map<String, ?> claims) {
    PublishedKey key = signingKey();
    return JWT.create()
        .withKeyId(key.keyId())
        .withPayload(claims)
        .sign(Algorithm.RSA256(key.publicKey(), (RSAPrivateKey) key.pair().getPrivate()));
  }

  /** These claims with {@code alg: none} and an empty signature. */
  public String unsignedToken(Map<String, ?> claims) {
    return JWT.create().withKeyId(keyId()).withPayload(claims).sign(Algorithm.none());
  }

  /**
   * These claims signed HS256 with this tenant's public key as the HMAC secret: the classic
   * algorithm-confusion attack.
   */
  public String signedWithPublicKeyAsHmacSecret(Map<String, ?> claims) {
    return JWT.create()
        .withKeyId(keyId())
        .withPayload(claims)
        .sign(Algorithm.HMAC256(publicKey().getEncoded()));
  }

  /** These claims signed by a key this tenant does not publish, under an unknown {@code kid}. */
  public String signedWithUnknownKey(Map<String, ?> claims) {
    return signedWithUnknownKey("unknown-" + keyId(), claims);
  }

  /**
   * These claims signed by a key this tenant does not publish, under {@code keyId} (a made-up one,
   * for example).
   */
  public String signedWithUnknownKey(String keyId, Map<String, ?> claims) {
    Objects.requireNonNull(keyId, "keyId");
    return JWT.create()
        .withKeyId(keyId)
        .withPayload(claims)
        .sign(
            Algorithm.RSA256(
                (RSAPublicKey) strangerKey.getPublic(), (RSAPrivateKey) strangerKey.getPrivate()));
  }

  /** These claims signed by a stranger's key but under this tenant's {@code kid}. */
  public String signedWithWrongKey(Map<String, ?> claims) {
    return JWT.create()
        .withKeyId(keyId())
        .withPayload(claims)
        .sign(
            Algorithm.RSA256(
                (RSAPublicKey) strangerKey.getPublic(), (RSAPrivateKey) strangerKey.getPrivate()));
  }

  /** A well-signed token whose payload part is not valid base64url. */
  public String malformedBase64Token() {
    String[] parts = token().sign().split("\\.");
    return parts[0] + ".%%not*base64%%." + parts[2];
  }

  /** A token whose payload is valid base64url of something that is not JSON. */
  public String malformedJsonToken() {
    String[] parts = token().sign().split("\\.");
    String payload =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("{\"sub\": not json".getBytes(StandardCharsets.UTF_8));
    return parts[0] + "." + payload + "." + parts[2];
  }

  /** Access tokens with defaults: this issuer, {@link #DEFAULT_AUDIENCE}, valid for an hour. */
  public static final class TokenBuilder {
    private final FakeAuth0Server server;
    private final Map<String, Object> claims = new LinkedHashMap<>();

    private TokenBuilder(FakeAuth0Server server) {
      this.server = server;
      Instant now = server.clock.instant();
      claims.put("iss", server.issuer());
      claims.put("sub", "auth0|test-user");
      claims.put("aud", DEFAULT_AUDIENCE);
      claims.put("iat", now.getEpochSecond());
      claims.put("exp", now.plus(Duration.ofHours(1)).getEpochSecond());
    }

    public TokenBuilder subject(String subject) {
      return claim("sub", subject);
    }

    /** Sets {@code org_id}. */
    public TokenBuilder organization(String orgId) {
      return claim("org_id", orgId);
    }

    /** One audience, or several as a JSON array. */
    public TokenBuilder audience(String... audiences) {
      return claim("aud", audiences.length == 1 ? audiences[0] : List.of(audiences));
    }

    public TokenBuilder issuer(String issuer) {
      return claim("iss", issuer);
    }

    public TokenBuilder expiresAt(Instant at) {
      return claim("exp", at.getEpochSecond());
    }

    public TokenBuilder notBefore(Instant at) {
      return claim("nbf", at.getEpochSecond());
    }

    public TokenBuilder issuedAt(Instant at) {
      return claim("iat", at.getEpochSecond());
    }

    /** Sets any claim; a null value removes it. */
    public TokenBuilder claim(String name, Object value) {
      if (value == null) {
        claims.remove(name);
      } else {
        claims.put(name, value);
      }
      return this;
    }

    /** Removes a claim. */
    public TokenBuilder without(String name) {
      claims.remove(name);
      return this;
    }

    /** The claims as they stand, for the {@code unsigned...}/{@code signedWith...} helpers. */
    public Map<String, Object> claims() {
      return Map.copyOf(claims);
    }

    /** Signs the token with the tenant's key. */
    public String sign() {
      return server.mintToken(claims);
    }
  }

  /**
   * Whether {@code token} is an unexpired access token signed by this tenant for {@code audience},
   * for example to let another fake (OpenFGA) accept tokens this tenant issued.
   */
  public boolean verifies(String token, String audience) {
    Objects.requireNonNull(audience, "audience");
    return token != null && verifiedSubject(token, audience) != null;
  }

  // ---------------------------------------------------------------- test set-up

  /**
   * Registers a single-page application: a public client (no secret) that may use the authorization
   * code flow with PKCE and return to these exact callback URLs. The origins of the callback URLs
   * are its allowed web origins, for CORS on the token endpoint.
   */
  public void registerSinglePageApp(String clientId, URI... callbackUrls) {
    Objects.requireNonNull(clientId, "clientId");
    if (callbackUrls.length == 0) {
      throw new IllegalArgumentException("a single-page app needs at least one callback URL");
    }
    singlePageApps.put(clientId, List.of(callbackUrls));
  }

  /**
   * Makes {@code /authorize} sign in {@code subject}, whose access token also carries {@code
   * claims}.
   */
  public void signInAs(String subject, Map<String, ?> claims) {
    login = new Login(subject, new LinkedHashMap<String, Object>(claims));
  }

  /** The last request {@code /authorize} received, or empty if none came. */
  public Optional<AuthorizeRequest> lastAuthorization() {
    return Optional.ofNullable(lastAuthorization);
  }

  /** How many authorization codes were exchanged for tokens. */
  public int authorizationCodesRedeemed() {
    return codesRedeemed.get();
  }

  /** Makes {@code userId} a member of the organization {@code orgId} with these role names. */
  public synchronized void seedMember(String orgId, String userId, String... roleNames) {
    TreeMap<String, List<String>> orgMembers = members.get(orgId);
    if (orgMembers == null) {
      throw new IllegalArgumentException("no organization " + orgId);
    }
    List<String> roles = orgMembers.computeIfAbsent(userId, ignored -> new ArrayList<>());
    for (String name : roleNames) {
      roleNamesById.entrySet().stream()
          .filter(e -> e.getValue().equals(name))
          .map(Map.Entry::getKey)
          .findFirst()
          .ifPresent(roles::add);
    }
  }

  /** Registers a machine-to-machine client for {@code client_credentials}. */
  public void registerClient(String clientId, String clientSecret) {
    clients.put(clientId, clientSecret);
  }

  /** Registers a refresh token for {@code userId}, usable as a token-exchange subject token. */
  public void registerRefreshToken(String refreshToken, String userId) {
    refreshTokens.put(refreshToken, userId);
  }

  /**
   * Registers the access token the token exchange answers for {@code userId}'s account on {@code
   * connection} (for example {@code google-oauth2}).
   */
  public void registerConnectionToken(
      String userId, String connection, String accessToken, Duration expiresIn, String scope) {
    connectionTokens.put(
        userId + "\n" + connection,
        new ConnectionToken(accessToken, expiresIn.toSeconds(), scope == null ? "" : scope));
  }

  /** Forgets the connection token of a user, as if they disconnected the account. */
  public void revokeConnectionToken(String userId, String connection) {
    connectionTokens.remove(userId + "\n" + connection);
  }

  /** Makes the key set answer {@code status} (0 to serve it again). */
  public void failJwks(int status) {
    jwksFailureStatus = status;
  }

  /** Makes the next {@code count} Management API calls answer {@code status}. */
  public synchronized void failNextManagementCalls(int count, int status) {
    managementFailures = count;
    managementFailureStatus = status;
  }

  /** How many times the key set was fetched. */
  public int jwksRequests() {
    return jwksRequests.get();
  }

  /** How many token exchanges succeeded. */
  public int tokenExchanges() {
    return tokenExchanges.get();
  }

  /** How many organizations the tenant holds. */
  public synchronized int organizationCount() {
    return organizations.size();
  }

  /** Adds an organization directly (as if made in the Auth0 dashboard) and returns its id. */
  public synchronized String seedOrganization(String name, String displayName) {
    ObjectNode org = JSON.createObjectNode();
    String id = "org_" + HexFormat.of().formatHex(randomBytes(8));
    org.put("id", id);
    org.put("name", name);
    org.put("display_name", displayName);
    org.putObject("metadata");
    organizations.put(id, org);
    members.put(id, new TreeMap<>());
    return id;
  }

  // ---------------------------------------------------------------- HTTP

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      String method = exchange.getRequestMethod();
      if (path.equals("/.well-known/jwks.json") && method.equals("GET")) {
        jwks(exchange);
      } else if (path.equals("/authorize") && method.equals("GET")) {
        authorize(exchange);
      } else if (path.equals("/v2/logout") && method.equals("GET")) {
        logout(exchange);
      } else if (path.equals("/oauth/token") && method.equals("OPTIONS")) {
        allowBrowserOrigin(exchange);
        exchange.getResponseHeaders().set("Access-Control-Allow-Methods", "POST");
        exchange.getResponseHeaders().set("Access-Control-Allow-Headers", "Content-Type");
        send(exchange, 204, null);
      } else if (path.equals("/oauth/token") && method.equals("POST")) {
        allowBrowserOrigin(exchange);
        oauthToken(exchange);
      } else if (path.startsWith("/api/v2/")) {
        management(exchange, method, path.substring("/api/v2/".length()));
      } else {
        send(exchange, 404, auth0Error(404, "Not Found", "Not found", "not_found"));
      }
    } catch (RuntimeException e) {
      send(exchange, 500, auth0Error(500, "Internal Server Error", "fake failure", "internal"));
    }
  }

  private void jwks(HttpExchange exchange) throws IOException {
    jwksRequests.incrementAndGet();
    int failure = jwksFailureStatus;
    if (failure != 0) {
      send(exchange, failure, JSON.createObjectNode().put("error", "unavailable"));
      return;
    }
    ObjectNode body = JSON.createObjectNode();
    ArrayNode keys = body.putArray("keys");
    for (PublishedKey published : publishedKeys) {
      ObjectNode key = keys.addObject();
      key.put("kty", "RSA");
      key.put("use", "sig");
      key.put("alg", "RS256");
      key.put("kid", published.keyId());
      key.put("n", unsignedBase64Url(published.publicKey().getModulus().toByteArray()));
      key.put("e", unsignedBase64Url(published.publicKey().getPublicExponent().toByteArray()));
    }
    send(exchange, 200, body);
  }

  private void oauthToken(HttpExchange exchange) throws IOException {
    Map<String, String> params = requestParams(exchange);
    String grant = params.getOrDefault("grant_type", "");
    if (grant.equals("authorization_code")) {
      authorizationCode(exchange, params);
      return;
    }
    String clientId = params.get("client_id");
    String secret = params.get("client_secret");
    if (clientId == null || secret == null || !secret.equals(clients.get(clientId))) {
      send(exchange, 401, oauthError("access_denied", "Unauthorized"));
      return;
    }
    if (grant.equals("client_credentials")) {
      Instant now = clock.instant();
      String token =
          token()
              .subject(clientId + "@clients")
              .audience(params.getOrDefault("audience", managementAudience()))
              .claim("gty", "client-credentials")
              .claim("azp", clientId)
              .issuedAt(now)
              .expiresAt(now.plus(Duration.ofDays(1)))
              .sign();
      ObjectNode body = JSON.createObjectNode();
      body.put("access_token", token);
      body.put("token_type", "Bearer");
      body.put("expires_in", 86400);
      send(exchange, 200, body);
    } else if (grant.equals(TOKEN_EXCHANGE_GRANT)) {
      tokenExchange(exchange, params);
    } else {
      send(exchange, 403, oauthError("unsupported_grant_type", "Grant type not allowed."));
    }
  }

  private void tokenExchange(HttpExchange exchange, Map<String, String> params) throws IOException {
    String subjectToken = params.get("subject_token");
    String subjectType = params.getOrDefault("subject_token_type", "");
    String connection = params.get("connection");
    if (subjectToken == null || connection == null) {
      send(
          exchange,
          400,
          oauthError("invalid_request", "subject_token and connection are required"));
      return;
    }
    if (!FEDERATED_TOKEN_TYPE.equals(params.get("requested_token_type"))) {
      send(exchange, 400, oauthError("invalid_request", "Unsupported requested_token_type"));
      return;
    }
    String userId;
    if (subjectType.equals(REFRESH_TOKEN_TYPE)) {
      userId = refreshTokens.get(subjectToken);
    } else if (subjectType.equals(ACCESS_TOKEN_TYPE)) {
      userId = verifiedSubject(subjectToken, null);
    } else {
      send(exchange, 400, oauthError("invalid_request", "Unsupported subject_token_type"));
      return;
    }
    if (userId == null) {
      send(exchange, 401, oauthError("invalid_grant", "Invalid subject token"));
      return;
    }
    ConnectionToken token = connectionTokens.get(userId + "\n" + connection);
    if (token == null) {
      send(
          exchange,
          401,
          oauthError(
              "federated_connection_refresh_token_not_found",
              "Federated connection Refresh Token not found."));
      return;
    }
    tokenExchanges.incrementAndGet();
    ObjectNode body = JSON.createObjectNode();
    body.put("access_token", token.accessToken());
    body.put("scope", token.scope());
    body.put("expires_in", token.expiresInSeconds());
    body.put("issued_token_type", FEDERATED_TOKEN_TYPE);
    body.put("token_type", "Bearer");
    send(exchange, 200, body);
  }

  // ---------------------------------------------------------------- Universal Login

  private void authorize(HttpExchange exchange) throws IOException {
    Map<String, String> query = queryParams(exchange);
    AuthorizeRequest request =
        new AuthorizeRequest(
            query.get("client_id"),
            query.get("redirect_uri"),
            query.get("response_type"),
            query.get("scope"),
            query.get("audience"),
            query.get("organization"),
            query.get("state"),
            query.get("code_challenge"),
            query.get("code_challenge_method"));
    lastAuthorization = request;

    // Until the client and its callback are known, Auth0 shows an error page instead of
    // redirecting: a redirect to an unchecked URL would make the tenant an open redirector.
    List<URI> callbacks =
        request.clientId() == null ? null : singlePageApps.get(request.clientId());
    if (callbacks == null) {
      send(exchange, 400, oauthError("invalid_request", "Unknown client."));
      return;
    }
    if (request.redirectUri() == null
        || callbacks.stream().noneMatch(c -> c.toString().equals(request.redirectUri()))) {
      send(exchange, 400, oauthError("invalid_request", "Callback URL mismatch."));
      return;
    }

    if (!"code".equals(request.responseType())) {
      redirectWithError(
          exchange, request, "unsupported_response_type", "Unsupported response type");
      return;
    }
    if (request.codeChallenge() == null || !request.codeChallenge().matches("[A-Za-z0-9_-]{43}")) {
      redirectWithError(
          exchange,
          request,
          "invalid_request",
          "A S256 code_challenge is required for this client");
      return;
    }
    if (!"S256".equals(request.codeChallengeMethod())) {
      redirectWithError(
          exchange, request, "invalid_request", "Unsupported code_challenge_method, use S256");
      return;
    }
    Login who = login;
    String organizationId = null;
    if (request.organization() != null && !request.organization().isBlank()) {
      synchronized (this) {
        ObjectNode org =
            organizations.values().stream()
                .filter(
                    o ->
                        o.path("id").asText().equals(request.organization())
                            || o.path("name").asText().equals(request.organization()))
                .findFirst()
                .orElse(null);
        if (org == null) {
          redirectWithError(
              exchange, request, "invalid_request", "parameter organization is invalid");
          return;
        }
        organizationId = org.path("id").asText();
        if (!members.get(organizationId).containsKey(who.subject())) {
          redirectWithError(
              exchange, request, "access_denied", "the user is not a member of the organization");
          return;
        }
      }
    }

    String code = Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(24));
    codes.put(
        code,
        new PendingCode(
            request.clientId(),
            request.redirectUri(),
            request.codeChallenge(),
            request.audience(),
            request.scope() == null ? "" : request.scope(),
            organizationId,
            who,
            clock.instant().plus(CODE_TTL)));
    Map<String, String> answer = new LinkedHashMap<>();
    answer.put("code", code);
    if (request.state() != null) {
      answer.put("state", request.state());
    }
    redirect(exchange, request.redirectUri(), answer);
  }

  private void redirectWithError(
      HttpExchange exchange, AuthorizeRequest request, String error, String description)
      throws IOException {
    Map<String, String> answer = new LinkedHashMap<>();
    answer.put("error", error);
    answer.put("error_description", description);
    if (request.state() != null) {
      answer.put("state", request.state());
    }
    redirect(exchange, request.redirectUri(), answer);
  }

  private static void redirect(HttpExchange exchange, String target, Map<String, String> params)
      throws IOException {
    StringBuilder location = new StringBuilder(target);
    char separator = target.contains("?") ? '&' : '?';
    for (Map.Entry<String, String> param : params.entrySet()) {
      location
          .append(separator)
          .append(URLEncoder.encode(param.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(param.getValue(), StandardCharsets.UTF_8));
      separator = '&';
    }
    exchange.getResponseHeaders().set("Location", location.toString());
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    send(exchange, 302, null);
  }

  private void logout(HttpExchange exchange) throws IOException {
    Map<String, String> query = queryParams(exchange);
    List<URI> callbacks = singlePageApps.get(query.getOrDefault("client_id", ""));
    String returnTo = query.get("returnTo");
    if (callbacks == null
        || returnTo == null
        || callbacks.stream().noneMatch(c -> c.toString().equals(returnTo))) {
      send(exchange, 400, oauthError("invalid_request", "returnTo is not an allowed logout URL."));
      return;
    }
    redirect(exchange, returnTo, Map.of());
  }

  /** Lets a single-page app's page read the token endpoint's answer, as Auth0's web origins do. */
  private void allowBrowserOrigin(HttpExchange exchange) {
    String origin = exchange.getRequestHeaders().getFirst("Origin");
    if (origin == null) {
      return;
    }
    boolean allowed =
        singlePageApps.values().stream()
            .flatMap(List::stream)
            .anyMatch(callback -> originOf(callback).equals(origin));
    if (allowed) {
      exchange.getResponseHeaders().set("Access-Control-Allow-Origin", origin);
      exchange.getResponseHeaders().set("Vary", "Origin");
    }
  }

  private static String originOf(URI url) {
    return url.getScheme() + "://" + url.getRawAuthority();
  }

  private void authorizationCode(HttpExchange exchange, Map<String, String> params)
      throws IOException {
    String clientId = params.get("client_id");
    String code = params.get("code");
    String verifier = params.get("code_verifier");
    if (clientId == null || !singlePageApps.containsKey(clientId)) {
      send(exchange, 401, oauthError("access_denied", "Unauthorized"));
      return;
    }
    if (code == null || code.isEmpty()) {
      send(exchange, 400, oauthError("invalid_request", "Missing required parameter: code"));
      return;
    }
    if (verifier == null || verifier.isEmpty()) {
      send(
          exchange,
          400,
          oauthError("invalid_request", "Missing required parameter: code_verifier"));
      return;
    }

    // Taken out before any check, so a code is spent by its first use, right or wrong.
    PendingCode pending = codes.remove(code);
    if (pending == null
        || !pending.clientId().equals(clientId)
        || !clock.instant().isBefore(pending.expiresAt())) {
      send(exchange, 403, oauthError("invalid_grant", "Invalid authorization code"));
      return;
    }
    if (!pending.redirectUri().equals(params.get("redirect_uri"))) {
      send(
          exchange,
          403,
          oauthError("invalid_grant", "redirect_uri does not match the one sent to /authorize"));
      return;
    }
    if (!s256(verifier).equals(pending.codeChallenge())) {
      send(exchange, 403, oauthError("invalid_grant", "Failed to verify code verifier"));
      return;
    }

    codesRedeemed.incrementAndGet();
    send(exchange, 200, userTokens(pending));
  }

  private ObjectNode userTokens(PendingCode pending) {
    Instant now = clock.instant();
    boolean openId = List.of(pending.scope().split(" ")).contains("openid");
    List<String> audiences = new ArrayList<>();
    if (pending.audience() != null && !pending.audience().isBlank()) {
      audiences.add(pending.audience());
    }
    if (openId || audiences.isEmpty()) {
      audiences.add(issuer() + "userinfo");
    }
    TokenBuilder access =
        token()
            .subject(pending.login().subject())
            .audience(audiences.toArray(String[]::new))
            .issuedAt(now)
            .expiresAt(now.plus(USER_TOKEN_TTL))
            .claim("azp", pending.clientId())
            .claim("scope", pending.scope())
            .claim("org_id", pending.organizationId());
    pending.login().claims().forEach(access::claim);

    ObjectNode body = JSON.createObjectNode();
    body.put("access_token", access.sign());
    if (openId) {
      Map<String, Object> id = new LinkedHashMap<>();
      id.put("iss", issuer());
      id.put("sub", pending.login().subject());
      id.put("aud", pending.clientId());
      id.put("iat", now.getEpochSecond());
      id.put("exp", now.plus(Duration.ofHours(10)).getEpochSecond());
      if (pending.organizationId() != null) {
        id.put("org_id", pending.organizationId());
      }
      for (String claim : List.of("email", "name")) {
        Object value = pending.login().claims().get(claim);
        if (value != null) {
          id.put(claim, value);
        }
      }
      body.put("id_token", mintToken(id));
    }
    body.put("scope", pending.scope());
    body.put("expires_in", USER_TOKEN_TTL.toSeconds());
    body.put("token_type", "Bearer");
    return body;
  }

  private static String s256(String verifier) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private void management(HttpExchange exchange, String method, String rawPath) throws IOException {
    String bearer = exchange.getRequestHeaders().getFirst("Authorization");
    if (bearer == null
        || !bearer.startsWith("Bearer ")
        || verifiedSubject(bearer.substring(7), managementAudience()) == null) {
      send(exchange, 401, auth0Error(401, "Unauthorized", "Invalid token", "invalid_token"));
      return;
    }
    synchronized (this) {
      if (managementFailures > 0) {
        managementFailures--;
        if (managementFailureStatus == 429) {
          exchange.getResponseHeaders().add("Retry-After", "2");
        }
        send(
            exchange,
            managementFailureStatus,
            auth0Error(managementFailureStatus, "Injected", "injected failure", "injected"));
        return;
      }
    }
    List<String> segments = new ArrayList<>();
    for (String segment : rawPath.split("/")) {
      if (!segment.isEmpty()) {
        segments.add(URLDecoder.decode(segment, StandardCharsets.UTF_8));
      }
    }
    Map<String, String> query = queryParams(exchange);
    JsonNode body = method.equals("POST") || method.equals("DELETE") ? readJson(exchange) : null;
    synchronized (this) {
      routeManagement(exchange, method, segments, query, body);
    }
  }

  private void routeManagement(
      HttpExchange exchange,
      String method,
      List<String> path,
      Map<String, String> query,
      JsonNode body)
      throws IOException {
    int n = path.size();
    if (n == 1 && path.get(0).equals("roles") && method.equals("GET")) {
      listRoles(exchange, query);
      return;
    }
    if (n == 0 || !path.get(0).equals("organizations")) {
      send(exchange, 404, auth0Error(404, "Not Found", "Not found", "not_found"));
      return;
    }
    if (n == 1 && method.equals("POST")) {
      createOrganization(exchange, body);
      return;
    }
    if (n == 3 && path.get(1).equals("name") && method.equals("GET")) {
      ObjectNode org =
          organizations.values().stream()
              .filter(o -> o.path("name").asText().equals(path.get(2)))
              .findFirst()
              .orElse(null);
      sendOrganization(exchange, org);
      return;
    }
    if (n < 2) {
      send(exchange, 404, auth0Error(404, "Not Found", "Not found", "not_found"));
      return;
    }
    String orgId = path.get(1);
    ObjectNode org = organizations.get(orgId);
    if (n == 2 && method.equals("GET")) {
      sendOrganization(exchange, org);
      return;
    }
    if (org == null) {
      sendOrganization(exchange, null);
      return;
    }
    TreeMap<String, List<String>> orgMembers = members.get(orgId);
    if (n == 3 && path.get(2).equals("members")) {
      switch (method) {
        case "GET" -> listMembers(exchange, orgMembers, query);
        case "POST" -> {
          for (JsonNode user : body.path("members")) {
            orgMembers.computeIfAbsent(user.asText(), ignored -> new ArrayList<>());
          }
          send(exchange, 204, null);
        }
        case "DELETE" -> {
          for (JsonNode user : body.path("members")) {
            orgMembers.remove(user.asText());
          }
          send(exchange, 204, null);
        }
        default -> send(exchange, 405, auth0Error(405, "Method Not Allowed", "", "method"));
      }
      return;
    }
    if (n == 5 && path.get(2).equals("members") && path.get(4).equals("roles")) {
      memberRoles(exchange, method, orgMembers.get(path.get(3)), query, body);
      return;
    }
    send(exchange, 404, auth0Error(404, "Not Found", "Not found", "not_found"));
  }

  private void createOrganization(HttpExchange exchange, JsonNode body) throws IOException {
    String name = body == null ? "" : body.path("name").asText("");
    if (!name.matches("[a-z0-9][a-z0-9_-]{0,49}")) {
      send(
          exchange,
          400,
          auth0Error(
              400,
              "Bad Request",
              "Payload validation error: 'String does not match pattern' on property name.",
              "invalid_body"));
      return;
    }
    boolean taken =
        organizations.values().stream().anyMatch(o -> o.path("name").asText().equals(name));
    if (taken) {
      send(
          exchange,
          409,
          auth0Error(
              409, "Conflict", "An organization with this name already exists.", "conflict"));
      return;
    }
    String id = "org_" + HexFormat.of().formatHex(randomBytes(8));
    ObjectNode org = JSON.createObjectNode();
    org.put("id", id);
    org.put("name", name);
    org.put("display_name", body.path("display_name").asText(name));
    org.set("metadata", body.has("metadata") ? body.get("metadata") : JSON.createObjectNode());
    organizations.put(id, org);
    members.put(id, new TreeMap<>());
    send(exchange, 201, org);
  }

  private void sendOrganization(HttpExchange exchange, ObjectNode org) throws IOException {
    if (org == null) {
      send(
          exchange,
          404,
          auth0Error(
              404,
              "Not Found",
              "No organization found by that id or name",
              "inexistent_organization"));
    } else {
      send(exchange, 200, org);
    }
  }

  private void listMembers(
      HttpExchange exchange, TreeMap<String, List<String>> orgMembers, Map<String, String> query)
      throws IOException {
    int from = parseInt(query.get("from"), 0);
    int take = Math.max(1, Math.min(100, parseInt(query.get("take"), 50)));
    boolean withRoles = query.getOrDefault("fields", "").contains("roles");
    List<String> users = new ArrayList<>(orgMembers.keySet());
    ObjectNode response = JSON.createObjectNode();
    ArrayNode page = response.putArray("members");
    for (int i = from; i < Math.min(users.size(), from + take); i++) {
      ObjectNode member = page.addObject();
      member.put("user_id", users.get(i));
      if (withRoles) {
        ArrayNode roles = member.putArray("roles");
        for (String roleId : orgMembers.get(users.get(i))) {
          roles.addObject().put("id", roleId).put("name", roleNamesById.get(roleId));
        }
      }
    }
    if (from + take < users.size()) {
      response.put("next", Integer.toString(from + take));
    }
    send(exchange, 200, response);
  }

  private void memberRoles(
      HttpExchange exchange,
      String method,
      List<String> held,
      Map<String, String> query,
      JsonNode body)
      throws IOException {
    if (held == null) {
      send(
          exchange,
          404,
          auth0Error(
              404, "Not Found", "The user is not a member of the organization.", "not_member"));
      return;
    }
    switch (method) {
      case "GET" -> {
        List<ObjectNode> all = new ArrayList<>();
        for (String roleId : held) {
          all.add(JSON.createObjectNode().put("id", roleId).put("name", roleNamesById.get(roleId)));
        }
        sendOffsetPage(exchange, all, query);
      }
      case "POST", "DELETE" -> {
        List<String> ids = new ArrayList<>();
        for (JsonNode id : body.path("roles")) {
          if (!roleNamesById.containsKey(id.asText())) {
            send(
                exchange,
                404,
                auth0Error(
                    404, "Not Found", "One or more roles were not found.", "inexistent_role"));
            return;
          }
          ids.add(id.asText());
        }
        for (String id : ids) {
          held.remove(id);
          if (method.equals("POST")) {
            held.add(id);
          }
        }
        send(exchange, 204, null);
      }
      default -> send(exchange, 405, auth0Error(405, "Method Not Allowed", "", "method"));
    }
  }

  private void listRoles(HttpExchange exchange, Map<String, String> query) throws IOException {
    String filter = query.getOrDefault("name_filter", "");
    List<ObjectNode> all = new ArrayList<>();
    roleNamesById.forEach(
        (id, name) -> {
          if (name.contains(filter)) {
            all.add(
                JSON.createObjectNode()
                    .put("id", id)
                    .put("name", name)
                    .put("description", "Nexus " + name));
          }
        });
    sendOffsetPage(exchange, all, query);
  }

  private void sendOffsetPage(
      HttpExchange exchange, List<ObjectNode> all, Map<String, String> query) throws IOException {
    int perPage = Math.max(1, Math.min(100, parseInt(query.get("per_page"), 50)));
    int page = Math.max(0, parseInt(query.get("page"), 0));
    int start = page * perPage;
    ObjectNode response = JSON.createObjectNode();
    response.put("start", start);
    response.put("limit", perPage);
    response.put("total", all.size());
    ArrayNode roles = response.putArray("roles");
    for (int i = start; i < Math.min(all.size(), start + perPage); i++) {
      roles.add(all.get(i));
    }
    send(exchange, 200, response);
  }

  // ---------------------------------------------------------------- helpers

  /**
   * The subject of a token signed by a key of this tenant's set (and for {@code audience}, if
   * given), or null.
   */
  private String verifiedSubject(String token, String audience) {
    try {
      String kid = JWT.decode(token).getKeyId();
      PublishedKey key =
          publishedKeys.stream().filter(k -> k.keyId().equals(kid)).findFirst().orElse(null);
      if (key == null) {
        return null;
      }
      var verification = JWT.require(Algorithm.RSA256(key.publicKey(), null)).withIssuer(issuer());
      if (audience != null) {
        verification.withAudience(audience);
      }
      DecodedJWT jwt =
          ((com.auth0.jwt.JWTVerifier.BaseVerification) verification).build(clock).verify(token);
      return jwt.getSubject();
    } catch (JWTVerificationException e) {
      return null;
    }
  }

  private static Map<String, String> requestParams(HttpExchange exchange) throws IOException {
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    byte[] raw = readBody(exchange);
    Map<String, String> params = new LinkedHashMap<>();
    if (contentType != null && contentType.contains("json")) {
      JsonNode node = raw.length == 0 ? JSON.createObjectNode() : JSON.readTree(raw);
      node.fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
    } else {
      params.putAll(formDecode(new String(raw, StandardCharsets.UTF_8)));
    }
    return params;
  }

  private static JsonNode readJson(HttpExchange exchange) throws IOException {
    byte[] raw = readBody(exchange);
    return raw.length == 0 ? JSON.createObjectNode() : JSON.readTree(raw);
  }

  private static byte[] readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      return in.readAllBytes();
    }
  }

  private static Map<String, String> queryParams(HttpExchange exchange) {
    String raw = exchange.getRequestURI().getRawQuery();
    return raw == null ? Map.of() : formDecode(raw);
  }

  private static Map<String, String> formDecode(String raw) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.put(
          URLDecoder.decode(key, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return params;
  }

  private static ObjectNode auth0Error(int status, String error, String message, String code) {
    ObjectNode body = JSON.createObjectNode();
    body.put("statusCode", status);
    body.put("error", error);
    body.put("message", message);
    body.put("errorCode", code);
    return body;
  }

  private static ObjectNode oauthError(String error, String description) {
    return JSON.createObjectNode().put("error", error).put("error_description", description);
  }

  private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
    if (body == null) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static int parseInt(String value, int fallback) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private static String unsignedBase64Url(byte[] bigEndian) {
    int skip = 0;
    while (skip < bigEndian.length - 1 && bigEndian[skip] == 0) {
      skip++;
    }
    byte[] trimmed = java.util.Arrays.copyOfRange(bigEndian, skip, bigEndian.length);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(trimmed);
  }

  private byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    return bytes;
  }

  private static KeyPair rsaKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("RSA is missing from this JVM", e);
    }
  }
}
