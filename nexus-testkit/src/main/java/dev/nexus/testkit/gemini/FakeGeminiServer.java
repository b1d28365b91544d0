package dev.nexus.testkit.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the Gemini API ({@code generativelanguage.googleapis.com/v1beta}) on loopback, for
 * tests and the sandbox. It serves
 *
 * <ul>
 *   <li>{@code POST {base}/models/{model}:generateContent}: one JSON answer;
 *   <li>{@code POST {base}/models/{model}:streamGenerateContent?alt=sse}: server-sent events, one
 *       {@code data: <whole response JSON>} event per text chunk and no end marker, with cumulative
 *       {@code usageMetadata} in every event, as Gemini does.
 * </ul>
 *
 * <p>Answers are scripted per test and consumed in order, one per request, whatever the model or
 * the endpoint: {@link #enqueue(GeminiReply)} text, function calls (with or without ids), text and
 * function calls together, an error status with Gemini's error body ({@code {"error":{code,
 * message, status}}}), a garbled body or a dropped connection. When the script is empty the
 * {@linkplain #fallback(GeminiReply) fallback} answers; by default it is a 500 saying so, so a test
 * that calls once too often fails loudly.
 *
 * <p>Like Gemini, it refuses (400) a request in which a model turn with N function calls is not
 * followed by one user turn with N function responses; such a request consumes no scripted reply.
 *
 * <p>Every request is recorded ({@link #requests()}) with its headers and parsed JSON body, so a
 * test can assert the functions declared, the contents sent (including {@code functionResponse}
 * parts) and that the API key arrived as the header {@code x-goog-api-key}. With {@link
 * #requireApiKey(String)} any other key is refused the way Gemini refuses it (400, {@code
 * API_KEY_INVALID}).
 *
 * <p>The base URL ({@link #baseUrl()}) is {@code http://127.0.0.1:PORT/v1beta}, without a trailing
 * slash, the form LangChain4j's {@code baseUrl(...)} expects. The JDK HTTP client's {@code Upgrade:
 * h2c} header on plain http is ignored: the server answers HTTP/1.1.
 */
public final class FakeGeminiServer implements AutoCloseable {

  /** The path prefix of the API version the fake serves. */
  public static final String API_PATH = "/v1beta";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern MODEL_PATH =
      Pattern.compile(
          API_PATH + "/models/([A-Za-z0-9._-]+):(generateContent|streamGenerateContent)");
  private static final GeminiReply NOTHING_SCRIPTED =
      GeminiReply.error(500, "FakeGeminiServer has no scripted reply left.");

  private final HttpServer server;
  private final ExecutorService executor;
  private final Deque<GeminiReply> script = new ArrayDeque<>();
  private final List<RecordedGeminiRequest> requests = new ArrayList<>();
  private GeminiReply fallback = NOTHING_SCRIPTED;
  private String requiredApiKey;

  private FakeGeminiServer(int port) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("the fake Gemini server could not bind its port", e);
    }
    executor = Executors.newFixedThreadPool(4);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a fake on a free loopback port. */
  public static FakeGeminiServer start() {
    return new FakeGeminiServer(0);
  }

  /** Starts a fake on {@code port} (0 for any free one). */
  public static FakeGeminiServer start(int port) {
    return new FakeGeminiServer(port);
  }

  /** {@code http://127.0.0.1:PORT/v1beta}, without a trailing slash. */
  public String baseUrl() {
    return "http://"
        + server.getAddress().getAddress().getHostAddress()
        + ":"
        + server.getAddress().getPort()
        + API_PATH;
  }

  /** The port the server listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // ---------------------------------------------------------------- scripting

  /** Adds {@code reply} to the end of the script; the next unanswered request gets it. */
  public synchronized FakeGeminiServer enqueue(GeminiReply reply) {
    script.addLast(Objects.requireNonNull(reply, "reply"));
    return this;
  }

  /** Scripts a text answer, streamed as one event per chunk. */
  public FakeGeminiServer enqueueText(String... chunks) {
    return enqueue(GeminiReply.text(chunks));
  }

  /** Scripts an answer with one function call (no id, as Gemini usually sends it). */
  public FakeGeminiServer enqueueFunctionCall(String name, Map<String, ?> args) {
    return enqueue(GeminiReply.functionCall(name, args));
  }

  /** Scripts an error answer with Gemini's usual message for {@code status}. */
  public FakeGeminiServer enqueueError(int status) {
    return enqueue(GeminiReply.error(status));
  }

  /** The answer once the script is empty (by default a 500 saying nothing is scripted). */
  public synchronized FakeGeminiServer fallback(GeminiReply reply) {
    this.fallback = Objects.requireNonNull(reply, "reply");
    return this;
  }

  /**
   * Refuses every request whose {@code x-goog-api-key} header is not {@code apiKey}, as Gemini
   * does: 400 {@code INVALID_ARGUMENT} with reason {@code API_KEY_INVALID}. A refused request
   * consumes no scripted reply. {@code null} accepts any key again.
   */
  public synchronized FakeGeminiServer requireApiKey(String apiKey) {
    this.requiredApiKey = apiKey;
    return this;
  }

  /** How many scripted replies have not been used yet. */
  public synchronized int remainingReplies() {
    return script.size();
  }

  /** Forgets the script, the recorded requests, the fallback and the required key. */
  public synchronized void reset() {
    script.clear();
    requests.clear();
    fallback = NOTHING_SCRIPTED;
    requiredApiKey = null;
  }

  // ---------------------------------------------------------------- recording

  /** Every request received so far, in order (a copy). */
  public synchronized List<RecordedGeminiRequest> requests() {
    return List.copyOf(requests);
  }

  /** The last request received. */
  public synchronized RecordedGeminiRequest lastRequest() {
    if (requests.isEmpty()) {
      throw new IllegalStateException("FakeGeminiServer has received no request yet");
    }
    return requests.get(requests.size() - 1);
  }

  // ---------------------------------------------------------------- serving

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      Matcher matcher = MODEL_PATH.matcher(path);
      if (!exchange.getRequestMethod().equals("POST") || !matcher.matches()) {
        sendJson(exchange, 404, errorBody(404, "Method or path not found.", "NOT_FOUND", null));
        return;
      }
      byte[] raw = exchange.getRequestBody().readAllBytes();
      boolean streaming = matcher.group(2).equals("streamGenerateContent");
      RecordedGeminiRequest request = record(exchange, matcher.group(1), streaming, raw);
      if (request.json() == null) {
        sendJson(
            exchange,
            400,
            errorBody(400, "Invalid JSON payload received.", "INVALID_ARGUMENT", null));
        return;
      }
      String problem = functionTurnProblem(request.json());
      if (problem != null) {
        sendJson(exchange, 400, errorBody(400, problem, "INVALID_ARGUMENT", null));
        return;
      }
      GeminiReply reply = nextReply(request);
      if (!reply.delay().isZero()) {
        sleep(reply.delay());
      }
      if (reply.fault() == GeminiReply.Fault.DISCONNECT) {
        exchange.getResponseBody().close();
        return;
      }
      if (reply.fault() == GeminiReply.Fault.GARBLED) {
        byte[] cut =
            "{\"candidates\": [{\"content\": {\"parts\": [{\"te".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        exchange.sendResponseHeaders(200, cut.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(cut);
        }
        return;
      }
      if (reply.isError()) {
        sendJson(
            exchange,
            reply.status(),
            errorBody(reply.status(), reply.errorMessage(), reply.errorStatus(), reply.reason()));
      } else if (streaming) {
        stream(exchange, request.model(), reply);
      } else {
        sendJson(
            exchange, 200, answer(request.model(), reply, reply.fullText(), true, reply.usage()));
      }
    } catch (RuntimeException e) {
      sendJson(exchange, 500, errorBody(500, "Internal error in the fake.", "INTERNAL", null));
    }
  }

  private synchronized RecordedGeminiRequest record(
      HttpExchange exchange, String model, boolean streaming, byte[] raw) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    exchange
        .getRequestHeaders()
        .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
    String body = new String(raw, StandardCharsets.UTF_8);
    JsonNode json;
    try {
      json = JSON.readTree(body);
      if (json == null || !json.isObject()) {
        json = null;
      }
    } catch (IOException e) {
      json = null;
    }
    RecordedGeminiRequest request =
        new RecordedGeminiRequest(
            model, streaming, exchange.getRequestURI().getRawQuery(), headers, body, json);
    requests.add(request);
    return request;
  }

  /**
   * Gemini's rule for function calling turns: a model turn with N function calls must be answered
   * by the next turn, from the user, with exactly N function responses. Returns Gemini's message
   * when the request breaks it, else {@code null}.
   */
  private static String functionTurnProblem(JsonNode json) {
    JsonNode contents = json.path("contents");
    for (int i = 0; i + 1 < contents.size(); i++) {
      int calls = countParts(contents.get(i), "functionCall");
      if (calls == 0) {
        continue;
      }
      JsonNode next = contents.get(i + 1);
      if (!"user".equals(next.path("role").asText())
          || countParts(next, "functionResponse") != calls) {
        return "Please ensure that the number of function response parts is equal to the number"
            + " of function call parts of the function call turn.";
      }
    }
    return null;
  }

  private static int countParts(JsonNode content, String field) {
    int count = 0;
    for (JsonNode part : content.path("parts")) {
      if (part.has(field)) {
        count++;
      }
    }
    return count;
  }

  private synchronized GeminiReply nextReply(RecordedGeminiRequest request) {
    if (requiredApiKey != null && !requiredApiKey.equals(request.apiKey())) {
      return GeminiReply.invalidApiKey();
    }
    GeminiReply next = script.pollFirst();
    return next == null ? fallback : next;
  }

  private void stream(HttpExchange exchange, String model, GeminiReply reply) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      List<String> chunks = reply.chunks();
      int events = Math.max(1, chunks.size());
      int written = 0;
      for (int i = 0; i < events; i++) {
        boolean last = i == events - 1;
        String chunk = chunks.isEmpty() ? "" : chunks.get(i);
        written += chunk.length();
        GeminiReply.Usage usage =
            last
                ? reply.usage()
                : new GeminiReply.Usage(
                    reply.usage().promptTokens(), Math.max(1, written / 4), reply.usage().cached());
        ObjectNode event = answer(model, reply, chunk, last, usage);
        out.write(
            ("data: " + JSON.writeValueAsString(event) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    }
  }

  /** One response object; function calls and the finish reason only when {@code last}. */
  private static ObjectNode answer(
      String model, GeminiReply reply, String text, boolean last, GeminiReply.Usage usage) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode candidate = root.putArray("candidates").addObject();
    ObjectNode content = candidate.putObject("content");
    content.put("role", "model");
    ArrayNode parts = content.putArray("parts");
    if (!text.isEmpty()) {
      parts.addObject().put("text", text);
    }
    if (last) {
      for (GeminiReply.FunctionCall call : reply.functionCalls()) {
        ObjectNode functionCall = parts.addObject().putObject("functionCall");
        if (call.id() != null) {
          functionCall.put("id", call.id());
        }
        functionCall.put("name", call.name());
        functionCall.set("args", JSON.valueToTree(call.args()));
      }
      candidate.put("finishReason", reply.finishReason());
    }
    candidate.put("index", 0);
    ObjectNode metadata = root.putObject("usageMetadata");
    metadata.put("promptTokenCount", usage.promptTokens());
    metadata.put("candidatesTokenCount", usage.candidatesTokens());
    metadata.put("totalTokenCount", usage.promptTokens() + usage.candidatesTokens());
    root.put("modelVersion", model);
    root.put("responseId", UUID.randomUUID().toString().replace("-", "").substring(0, 22));
    return root;
  }

  private static ObjectNode errorBody(int code, String message, String status, String reason) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("code", code);
    error.put("message", message);
    error.put("status", status);
    if (reason != null) {
      ObjectNode detail = error.putArray("details").addObject();
      detail.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
      detail.put("reason", reason);
      detail.put("domain", "googleapis.com");
    }
    return root;
  }

  private static void sendJson(HttpExchange exchange, int status, JsonNode body)
      throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void sleep(Duration delay) {
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
