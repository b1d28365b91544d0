package dev.nexus.testkit.openfga;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.nexus.authz.local.FgaErrorCode;
import dev.nexus.authz.local.FgaException;
import dev.nexus.authz.local.FgaModel;
import dev.nexus.authz.local.LocalFgaAuthorizer;
import dev.nexus.core.authorization.CheckRequest;
import dev.nexus.core.authorization.ObjectRef;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.core.authorization.SubjectRef;
import dev.nexus.core.error.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * OpenFGA's HTTP API on loopback, backed by the embedded evaluator ({@link LocalFgaAuthorizer}),
 * for tests and the sandbox. It answers {@code POST/GET /stores}, {@code GET /stores/{id}}, {@code
 * POST/GET /stores/{id}/authorization-models[/{model}]}, {@code write} (answering {@code {}}, with
 * {@code on_duplicate}/{@code on_missing}), {@code read} (paged), {@code check}, {@code
 * batch-check} and {@code list-objects}, with OpenFGA's status codes and error bodies {@code {code,
 * message}}.
 *
 * <p>Each store keeps one set of tuples; each model written to it gets its own evaluator over those
 * tuples, and requests use the model they name or the store's latest.
 *
 * <p>Fault injection: {@link #failNextRequests(int, int)} answers the next requests with a status
 * (429 with {@code Retry-After: 1}), and {@link #requireBearer(Predicate)} refuses requests whose
 * bearer token the predicate rejects, as a server with authentication does.
 */
public final class FakeOpenFgaServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

  private final HttpServer server;
  private final ExecutorService executor;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Store> stores = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();
  private volatile Predicate<String> bearer;
  private int failures;
  private int failureStatus;

  private static final class Store {
    final String id;
    final String name;
    final Instant createdAt;
    final Map<String, ObjectNode> modelJson = new LinkedHashMap<>();
    final Map<String, LocalFgaAuthorizer> evaluators = new ConcurrentHashMap<>();
    volatile String latestModelId;

    Store(String id, String name, Instant createdAt) {
      this.id = id;
      this.name = name;
      this.createdAt = createdAt;
    }
  }

  /** An OpenFGA error answered as its HTTP status and {@code {code, message}} body. */
  private static final class FgaHttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String code;

    FgaHttpError(int status, String code, String message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  /** A response: status and JSON body. */
  private record Answer(int status, JsonNode body) {
    static Answer ok(JsonNode body) {
      return new Answer(200, body);
    }

    static Answer created(JsonNode body) {
      return new Answer(201, body);
    }
  }

  static {
    // The JDK server's default (Nagle without TCP_NODELAY) adds ~40 ms to small answers.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private FakeOpenFgaServer(int port) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("the fake OpenFGA server could not bind its port", e);
    }
    executor = Executors.newFixedThreadPool(4);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a server on a free loopback port. */
  public static FakeOpenFgaServer start() {
    return new FakeOpenFgaServer(0);
  }

  /** Starts a server on {@code port} (0 for any free one). */
  public static FakeOpenFgaServer start(int port) {
    return new FakeOpenFgaServer(port);
  }

  /** {@code http://127.0.0.1:PORT}, the SDK's {@code apiUrl}. */
  public String baseUrl() {
    return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + port();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /** Creates a store directly and returns its id. */
  public String createStore(String name) {
    String id = ulid();
    stores.put(id, new Store(id, name, Instant.now()));
    return id;
  }

  /** Writes a model given in the DSL to a store directly and returns its id. */
  public String writeModel(String storeId, String dsl) {
    Store store = store(storeId);
    FgaModel model = FgaModel.parse(dsl);
    String id = ulid();
    ObjectNode json = JSON.createObjectNode();
    json.put("id", id);
    json.put("schema_version", model.schemaVersion());
    synchronized (store) {
      store.modelJson.put(id, json);
      store.evaluators.put(id, evaluatorFor(store, model));
      store.latestModelId = id;
    }
    return id;
  }

  /** The evaluator of a store's latest model, to look at its tuples from a test. */
  public LocalFgaAuthorizer evaluator(String storeId) {
    Store store = store(storeId);
    String latest = store.latestModelId;
    if (latest == null) {
      throw new IllegalStateException("the store has no authorization model yet");
    }
    return store.evaluators.get(latest);
  }

  /** Answers the next {@code count} requests with {@code status} and an OpenFGA error body. */
  public synchronized void failNextRequests(int count, int status) {
    failures = count;
    failureStatus = status;
  }

  /** Refuses (401) requests whose bearer token {@code accepts} rejects; null accepts everything. */
  public void requireBearer(Predicate<String> accepts) {
    bearer = accepts;
  }

  /** How many requests the server has answered. */
  public int requestCount() {
    return requests.get();
  }

  // ---------------------------------------------------------------- HTTP

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      requests.incrementAndGet();
      try {
        Answer answer = route(exchange);
        send(exchange, answer.status(), answer.body());
      } catch (FgaHttpError e) {
        if (e.status == 429) {
          exchange.getResponseHeaders().add("Retry-After", "1");
        }
        send(exchange, e.status, error(e.code, e.getMessage()));
      } catch (FgaException e) {
        send(exchange, 400, error(e.code().wireName(), e.getMessage()));
      } catch (InvalidInputException e) {
        send(exchange, 400, error("validation_error", e.getMessage()));
      } catch (RuntimeException e) {
        send(exchange, 500, error("internal_error", "Internal Server Error"));
      }
    }
  }

  private Answer route(HttpExchange exchange) throws IOException {
    Predicate<String> accepts = bearer;
    if (accepts != null) {
      String header = exchange.getRequestHeaders().getFirst("Authorization");
      if (header == null || !header.startsWith("Bearer ") || !accepts.test(header.substring(7))) {
        throw new FgaHttpError(401, "unauthenticated", "unauthenticated");
      }
    }
    synchronized (this) {
      if (failures > 0) {
        failures--;
        throw new FgaHttpError(
            failureStatus,
            failureStatus == 429 ? "rate_limit_exceeded" : "internal_error",
            "injected failure");
      }
    }
    String method = exchange.getRequestMethod();
    String[] path = exchange.getRequestURI().getPath().replaceAll("^/+|/+$", "").split("/");
    JsonNode body = method.equals("POST") ? readJson(exchange) : JSON.createObjectNode();
    if (path.length == 1 && path[0].equals("stores")) {
      return method.equals("POST") ? Answer.created(createStore(body)) : Answer.ok(listStores());
    }
    if (path.length < 2 || !path[0].equals("stores")) {
      throw new FgaHttpError(404, "undefined_endpoint", "Not Found");
    }
    Store store = stores.get(path[1]);
    if (store == null) {
      throw new FgaHttpError(404, "store_id_not_found", "store_id not found");
    }
    if (path.length == 2 && method.equals("GET")) {
      return Answer.ok(storeJson(store));
    }
    String action = path[2];
    if (action.equals("authorization-models")) {
      if (path.length == 3 && method.equals("POST")) {
        return Answer.created(writeModel(store, body));
      }
      if (path.length == 3 && method.equals("GET")) {
        return Answer.ok(listModels(store));
      }
      if (path.length == 4 && method.equals("GET")) {
        ObjectNode model = store.modelJson.get(path[3]);
        if (model == null) {
          throw modelNotFound(path[3]);
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.set("authorization_model", model);
        return Answer.ok(answer);
      }
    }
    if (path.length == 3 && method.equals("POST")) {
      switch (action) {
        case "write":
          return Answer.ok(write(store, body));
        case "read":
          return Answer.ok(read(store, body));
        case "check":
          return Answer.ok(check(store, body));
        case "batch-check":
          return Answer.ok(batchCheck(store, body));
        case "list-objects":
          return Answer.ok(listObjects(store, body));
        default:
          break;
      }
    }
    throw new FgaHttpError(404, "undefined_endpoint", "Not Found");
  }

  private ObjectNode createStore(JsonNode body) {
    String name = body.path("name").asText("");
    if (name.length() < 3 || name.length() > 64) {
      throw new FgaHttpError(
          400, "validation_error", "invalid CreateStoreRequest.Name: value length must be 3-64");
    }
    String id = ulid();
    Store store = new Store(id, name, Instant.now());
    stores.put(id, store);
    return storeJson(store);
  }

  private ObjectNode listStores() {
    ObjectNode answer = JSON.createObjectNode();
    ArrayNode list = answer.putArray("stores");
    stores.values().forEach(s -> list.add(storeJson(s)));
    answer.put("continuation_token", "");
    return answer;
  }

  private static ObjectNode storeJson(Store store) {
    ObjectNode json = JSON.createObjectNode();
    json.put("id", store.id);
    json.put("name", store.name);
    json.put("created_at", store.createdAt.toString());
    json.put("updated_at", store.createdAt.toString());
    return json;
  }

  private ObjectNode writeModel(Store store, JsonNode body) throws IOException {
    FgaModel model = FgaModel.fromJson(JSON.writeValueAsString(body));
    String id = ulid();
    ObjectNode stored = ((ObjectNode) body.deepCopy()).put("id", id);
    synchronized (store) {
      store.modelJson.put(id, stored);
      store.evaluators.put(id, evaluatorFor(store, model));
      store.latestModelId = id;
    }
    return JSON.createObjectNode().put("authorization_model_id", id);
  }

  /** An evaluator of {@code model} over the store's tuples, which every model shares. */
  private static LocalFgaAuthorizer evaluatorFor(Store store, FgaModel model) {
    return store.evaluators.values().stream()
        .findFirst()
        .map(existing -> existing.withModel(model))
        .orElseGet(() -> new LocalFgaAuthorizer(model));
  }

  private static ObjectNode listModels(Store store) {
    ObjectNode answer = JSON.createObjectNode();
    ArrayNode list = answer.putArray("authorization_models");
    List<ObjectNode> models = new ArrayList<>(store.modelJson.values());
    for (int i = models.size() - 1; i >= 0; i--) {
      list.add(models.get(i));
    }
    answer.put("continuation_token", "");
    return answer;
  }

  private static LocalFgaAuthorizer evaluator(Store store, JsonNode body) {
    String requested = body.path("authorization_model_id").asText("");
    if (!requested.isEmpty()) {
      LocalFgaAuthorizer evaluator = store.evaluators.get(requested);
      if (evaluator == null) {
        throw modelNotFound(requested);
      }
      return evaluator;
    }
    String latest = store.latestModelId;
    if (latest == null) {
      throw new FgaHttpError(
          400,
          "latest_authorization_model_not_found",
          "No authorization models found for store '" + store.id + "'");
    }
    return store.evaluators.get(latest);
  }

  private static FgaHttpError modelNotFound(String id) {
    return new FgaHttpError(
        400, "authorization_model_not_found", "Authorization Model '" + id + "' not found");
  }

  private ObjectNode write(Store store, JsonNode body) {
    LocalFgaAuthorizer evaluator = evaluator(store, body);
    List<RelationshipTuple> writes = tuples(body.path("writes").path("tuple_keys"));
    List<RelationshipTuple> deletes = tuples(body.path("deletes").path("tuple_keys"));
    if (writes.isEmpty() && deletes.isEmpty()) {
      throw new FgaHttpError(
          400,
          "invalid_write_input",
          "Invalid input. Make sure you provide at least one write or" + " delete");
    }
    boolean ignoreDuplicates = "ignore".equals(body.path("writes").path("on_duplicate").asText());
    boolean ignoreMissing = "ignore".equals(body.path("deletes").path("on_missing").asText());
    synchronized (store) {
      if (!ignoreDuplicates) {
        for (RelationshipTuple tuple : writes) {
          if (evaluator.contains(tuple)) {
            throw new FgaHttpError(
                400,
                FgaErrorCode.WRITE_FAILED_DUE_TO_INVALID_INPUT.wireName(),
                "cannot write a tuple which already exists: user: '"
                    + tuple.subject()
                    + "', relation: '"
                    + tuple.relation()
                    + "', object: '"
                    + tuple.object()
                    + "': tuple to be written already existed or the tuple to be deleted did"
                    + " not exist");
          }
        }
      }
      if (!ignoreMissing) {
        for (RelationshipTuple tuple : deletes) {
          if (!evaluator.contains(tuple)) {
            throw new FgaHttpError(
                400,
                FgaErrorCode.WRITE_FAILED_DUE_TO_INVALID_INPUT.wireName(),
                "cannot delete a tuple which does not exist: user: '"
                    + tuple.subject()
                    + "', relation: '"
                    + tuple.relation()
                    + "', object: '"
                    + tuple.object()
                    + "': tuple to be written already existed or the tuple to be deleted did"
                    + " not exist");
          }
        }
      }
      evaluator.write(writes, deletes);
    }
    return JSON.createObjectNode();
  }

  private ObjectNode read(Store store, JsonNode body) {
    JsonNode key = body.path("tuple_key");
    String user = key.path("user").asText("");
    String relation = key.path("relation").asText("");
    String object = key.path("object").asText("");
    if (!key.isMissingNode() && object.isEmpty() && !(user.isEmpty() && relation.isEmpty())) {
      throw new FgaHttpError(
          400, "validation_error", "the 'tuple_key.object' field is required when user is set");
    }
    List<RelationshipTuple> all = new ArrayList<>();
    String latest = store.latestModelId;
    if (latest != null) {
      store.evaluators.get(latest).scan(all::add);
    }
    List<RelationshipTuple> matching = new ArrayList<>();
    for (RelationshipTuple tuple : all) {
      if (matches(tuple, user, relation, object)) {
        matching.add(tuple);
      }
    }
    matching.sort((a, b) -> a.toString().compareTo(b.toString()));
    int pageSize = Math.max(1, Math.min(100, body.path("page_size").asInt(50)));
    int offset = decodeContinuation(body.path("continuation_token").asText(""));
    ObjectNode answer = JSON.createObjectNode();
    ArrayNode tuples = answer.putArray("tuples");
    for (int i = offset; i < Math.min(matching.size(), offset + pageSize); i++) {
      RelationshipTuple tuple = matching.get(i);
      ObjectNode entry = tuples.addObject();
      ObjectNode tupleKey = entry.putObject("key");
      tupleKey.put("user", tuple.subject().toString());
      tupleKey.put("relation", tuple.relation());
      tupleKey.put("object", tuple.object().toString());
      entry.put("timestamp", Instant.EPOCH.toString());
    }
    int next = offset + pageSize;
    answer.put(
        "continuation_token",
        next < matching.size()
            ? Base64.getUrlEncoder()
                .encodeToString(Integer.toString(next).getBytes(StandardCharsets.UTF_8))
            : "");
    return answer;
  }

  private static boolean matches(
      RelationshipTuple tuple, String user, String relation, String object) {
    if (!user.isEmpty() && !tuple.subject().toString().equals(user)) {
      return false;
    }
    if (!relation.isEmpty() && !tuple.relation().equals(relation)) {
      return false;
    }
    if (object.isEmpty()) {
      return true;
    }
    if (object.endsWith(":")) {
      return tuple.object().type().equals(object.substring(0, object.length() - 1));
    }
    return tuple.object().toString().equals(object);
  }

  private static int decodeContinuation(String token) {
    if (token.isEmpty()) {
      return 0;
    }
    try {
      return Integer.parseInt(
          new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new FgaHttpError(400, "invalid_continuation_token", "Invalid continuation token");
    }
  }

  private ObjectNode check(Store store, JsonNode body) {
    LocalFgaAuthorizer evaluator = evaluator(store, body);
    boolean allowed = evaluator.isAllowed(checkRequest(body));
    ObjectNode answer = JSON.createObjectNode();
    answer.put("allowed", allowed);
    answer.put("resolution", "");
    return answer;
  }

  private ObjectNode batchCheck(Store store, JsonNode body) {
    LocalFgaAuthorizer evaluator = evaluator(store, body);
    JsonNode checks = body.path("checks");
    if (!checks.isArray() || checks.isEmpty()) {
      throw new FgaHttpError(400, "validation_error", "invalid BatchCheckRequest.Checks");
    }
    ObjectNode answer = JSON.createObjectNode();
    ObjectNode result = answer.putObject("result");
    for (JsonNode item : checks) {
      String correlation = item.path("correlation_id").asText("");
      if (correlation.isEmpty() || result.has(correlation)) {
        throw new FgaHttpError(400, "validation_error", "each check needs a unique correlation_id");
      }
      ObjectNode single = result.putObject(correlation);
      try {
        single.put("allowed", evaluator.isAllowed(checkRequest(item)));
      } catch (FgaException e) {
        single.put("allowed", false);
        single
            .putObject("error")
            .put("input_error", e.code().wireName())
            .put("message", e.getMessage());
      } catch (InvalidInputException e) {
        single.put("allowed", false);
        single
            .putObject("error")
            .put("input_error", "validation_error")
            .put("message", e.getMessage());
      }
    }
    return answer;
  }

  private ObjectNode listObjects(Store store, JsonNode body) {
    LocalFgaAuthorizer evaluator = evaluator(store, body);
    String type = body.path("type").asText("");
    String relation = body.path("relation").asText("");
    String user = body.path("user").asText("");
    if (type.isEmpty() || relation.isEmpty() || user.isEmpty()) {
      throw new FgaHttpError(400, "validation_error", "type, relation and user are required");
    }
    List<ObjectRef> objects =
        evaluator.listObjects(
            SubjectRef.parse(user),
            relation,
            type,
            tuples(body.path("contextual_tuples").path("tuple_keys")));
    ObjectNode answer = JSON.createObjectNode();
    ArrayNode list = answer.putArray("objects");
    objects.forEach(o -> list.add(o.toString()));
    return answer;
  }

  private static CheckRequest checkRequest(JsonNode body) {
    JsonNode key = body.path("tuple_key");
    String user = key.path("user").asText("");
    String relation = key.path("relation").asText("");
    String object = key.path("object").asText("");
    if (user.isEmpty() || relation.isEmpty() || object.isEmpty()) {
      throw new FgaHttpError(
          400, "validation_error", "the tuple_key needs a user, a relation and an object");
    }
    return new CheckRequest(
        SubjectRef.parse(user),
        relation,
        ObjectRef.parse(object),
        tuples(body.path("contextual_tuples").path("tuple_keys")));
  }

  private static List<RelationshipTuple> tuples(JsonNode keys) {
    List<RelationshipTuple> tuples = new ArrayList<>();
    for (JsonNode key : keys) {
      if (key.has("condition")) {
        throw new FgaHttpError(
            400, "validation_error", "conditions are not supported by this server");
      }
      tuples.add(
          RelationshipTuple.of(
              key.path("user").asText(""),
              key.path("relation").asText(""),
              key.path("object").asText("")));
    }
    return tuples;
  }

  // ---------------------------------------------------------------- helpers

  private Store store(String storeId) {
    Store store = stores.get(Objects.requireNonNull(storeId, "storeId"));
    if (store == null) {
      throw new IllegalArgumentException("no store with this id");
    }
    return store;
  }

  private static JsonNode readJson(HttpExchange exchange) throws IOException {
    byte[] raw;
    try (InputStream in = exchange.getRequestBody()) {
      raw = in.readAllBytes();
    }
    if (raw.length == 0) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(raw);
    } catch (IOException e) {
      throw new FgaHttpError(400, "validation_error", "the request body is not valid JSON");
    }
  }

  private static ObjectNode error(String code, String message) {
    return JSON.createObjectNode().put("code", code).put("message", message);
  }

  private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private String ulid() {
    StringBuilder id = new StringBuilder(26);
    long time = System.currentTimeMillis();
    for (int i = 9; i >= 0; i--) {
      id.append(CROCKFORD.charAt((int) ((time >>> (5 * i)) & 31)));
    }
    for (int i = 0; i < 16; i++) {
      id.append(CROCKFORD.charAt(random.nextInt(32)));
    }
    return id.toString();
  }
}
