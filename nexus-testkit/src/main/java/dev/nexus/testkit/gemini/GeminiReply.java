package dev.nexus.testkit.gemini;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One scripted answer of {@link FakeGeminiServer}: text (in chunks, one server-sent event each when
 * streamed), function calls, token usage and a finish reason, or an HTTP error with Gemini's error
 * body. Immutable; the {@code with...} methods return copies.
 *
 * <pre>{@code
 * gemini.enqueue(GeminiReply.functionCall("gmail_read_latest", Map.of("count", 3)));
 * gemini.enqueue(GeminiReply.text("You have ", "three new mails.").withUsage(120, 9));
 * gemini.enqueue(GeminiReply.error(429));
 * }</pre>
 */
public final class GeminiReply {

  /** A function call as Gemini sends it; {@code id} is usually {@code null}. */
  public record FunctionCall(String id, String name, Map<String, Object> args) {
    public FunctionCall {
      Objects.requireNonNull(name, "name");
      args = new LinkedHashMap<>(Objects.requireNonNull(args, "args"));
    }

    /** A call without an id, the usual Gemini shape. */
    public static FunctionCall of(String name, Map<String, ?> args) {
      return new FunctionCall(null, name, new LinkedHashMap<>(args));
    }

    /** A call carrying an id (newer Gemini models sometimes send one). */
    public static FunctionCall withId(String id, String name, Map<String, ?> args) {
      return new FunctionCall(Objects.requireNonNull(id, "id"), name, new LinkedHashMap<>(args));
    }
  }

  /** Token counts reported in {@code usageMetadata}. */
  public record Usage(int promptTokens, int candidatesTokens, int cached) {}

  private final int status;
  private final String errorMessage;
  private final String errorStatus;
  private final String reason;
  private final List<String> chunks;
  private final List<FunctionCall> functionCalls;
  private final Usage usage;
  private final String finishReason;
  private final Duration delay;
  private final Fault fault;

  /** A broken answer instead of a valid one. */
  enum Fault {
    NONE,
    GARBLED,
    DISCONNECT
  }

  private GeminiReply(
      int status,
      String errorMessage,
      String errorStatus,
      String reason,
      List<String> chunks,
      List<FunctionCall> functionCalls,
      Usage usage,
      String finishReason,
      Duration delay,
      Fault fault) {
    this.status = status;
    this.errorMessage = errorMessage;
    this.errorStatus = errorStatus;
    this.reason = reason;
    this.chunks = List.copyOf(chunks);
    this.functionCalls = List.copyOf(functionCalls);
    this.usage = usage;
    this.finishReason = finishReason;
    this.delay = delay;
    this.fault = fault;
  }

  /** A text answer; streamed, each chunk is one event. Usage defaults to a rough count. */
  public static GeminiReply text(String... chunks) {
    List<String> list = Arrays.asList(chunks);
    list.forEach(c -> Objects.requireNonNull(c, "chunk"));
    return new GeminiReply(
        200,
        null,
        null,
        null,
        list,
        List.of(),
        new Usage(10, Math.max(1, String.join("", list).length() / 4), 0),
        "STOP",
        Duration.ZERO,
        Fault.NONE);
  }

  /** An answer with one function call and no text. */
  public static GeminiReply functionCall(String name, Map<String, ?> args) {
    return functionCalls(FunctionCall.of(name, args));
  }

  /** An answer with these function calls and no text. */
  public static GeminiReply functionCalls(FunctionCall... calls) {
    return text(new String[0]).withFunctionCalls(calls);
  }

  /** An error answer with Gemini's usual message and status name for {@code httpStatus}. */
  public static GeminiReply error(int httpStatus) {
    return error(httpStatus, defaultMessage(httpStatus));
  }

  /** An error answer with this message. */
  public static GeminiReply error(int httpStatus, String message) {
    if (httpStatus < 400 || httpStatus > 599) {
      throw new IllegalArgumentException("an error status must be 4xx or 5xx");
    }
    return new GeminiReply(
        httpStatus,
        Objects.requireNonNull(message, "message"),
        statusName(httpStatus),
        null,
        List.of(),
        List.of(),
        new Usage(0, 0, 0),
        null,
        Duration.ZERO,
        Fault.NONE);
  }

  /** What Gemini answers to a wrong API key: 400 INVALID_ARGUMENT, reason API_KEY_INVALID. */
  public static GeminiReply invalidApiKey() {
    return new GeminiReply(
        400,
        "API key not valid. Please pass a valid API key.",
        "INVALID_ARGUMENT",
        "API_KEY_INVALID",
        List.of(),
        List.of(),
        new Usage(0, 0, 0),
        null,
        Duration.ZERO,
        Fault.NONE);
  }

  /** A 200 answer whose body is cut off mid-JSON, so the client cannot read it. */
  public static GeminiReply garbled() {
    return new GeminiReply(
        200,
        null,
        null,
        null,
        List.of(),
        List.of(),
        new Usage(0, 0, 0),
        "STOP",
        Duration.ZERO,
        Fault.GARBLED);
  }

  /** No answer at all: the connection is closed before any response is sent. */
  public static GeminiReply disconnect() {
    return new GeminiReply(
        200,
        null,
        null,
        null,
        List.of(),
        List.of(),
        new Usage(0, 0, 0),
        "STOP",
        Duration.ZERO,
        Fault.DISCONNECT);
  }

  /** A copy that also carries these function calls (after its text). */
  public GeminiReply withFunctionCalls(FunctionCall... calls) {
    requireSuccess();
    List<FunctionCall> all = new ArrayList<>(functionCalls);
    all.addAll(Arrays.asList(calls));
    return new GeminiReply(
        status,
        errorMessage,
        errorStatus,
        reason,
        chunks,
        all,
        new Usage(usage.promptTokens(), usage.candidatesTokens() + 5 * calls.length, 0),
        finishReason,
        delay,
        fault);
  }

  /** A copy reporting these token counts. */
  public GeminiReply withUsage(int promptTokens, int candidatesTokens) {
    requireSuccess();
    return new GeminiReply(
        status,
        errorMessage,
        errorStatus,
        reason,
        chunks,
        functionCalls,
        new Usage(promptTokens, candidatesTokens, 0),
        finishReason,
        delay,
        fault);
  }

  /** A copy with this {@code finishReason} (default {@code STOP}). */
  public GeminiReply withFinishReason(String finishReason) {
    requireSuccess();
    return new GeminiReply(
        status,
        errorMessage,
        errorStatus,
        reason,
        chunks,
        functionCalls,
        usage,
        Objects.requireNonNull(finishReason, "finishReason"),
        delay,
        fault);
  }

  /** A copy answered only after {@code delay} (to test timeouts). */
  public GeminiReply withDelay(Duration delay) {
    return new GeminiReply(
        status,
        errorMessage,
        errorStatus,
        reason,
        chunks,
        functionCalls,
        usage,
        finishReason,
        Objects.requireNonNull(delay, "delay"),
        fault);
  }

  /** Whether this answer is an HTTP error. */
  public boolean isError() {
    return status != 200;
  }

  /** The HTTP status: 200, or the error's. */
  public int status() {
    return status;
  }

  /** The whole text (all chunks joined). */
  public String fullText() {
    return String.join("", chunks);
  }

  /** The text chunks, one per streamed event. */
  public List<String> chunks() {
    return chunks;
  }

  /** The function calls, in order. */
  public List<FunctionCall> functionCalls() {
    return functionCalls;
  }

  /** The reported token usage. */
  public Usage usage() {
    return usage;
  }

  String finishReason() {
    return finishReason;
  }

  String errorMessage() {
    return errorMessage;
  }

  String errorStatus() {
    return errorStatus;
  }

  String reason() {
    return reason;
  }

  Duration delay() {
    return delay;
  }

  Fault fault() {
    return fault;
  }

  private void requireSuccess() {
    if (isError()) {
      throw new IllegalStateException("an error reply carries no text, calls or usage");
    }
  }

  private static String statusName(int httpStatus) {
    return switch (httpStatus) {
      case 400 -> "INVALID_ARGUMENT";
      case 401 -> "UNAUTHENTICATED";
      case 403 -> "PERMISSION_DENIED";
      case 404 -> "NOT_FOUND";
      case 429 -> "RESOURCE_EXHAUSTED";
      case 503 -> "UNAVAILABLE";
      case 504 -> "DEADLINE_EXCEEDED";
      default -> httpStatus >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
    };
  }

  private static String defaultMessage(int httpStatus) {
    return switch (httpStatus) {
      case 400 -> "Request contains an invalid argument.";
      case 401 -> "Request had invalid authentication credentials.";
      case 403 -> "The caller does not have permission.";
      case 404 -> "models/unknown is not found for API version v1beta.";
      case 429 -> "Resource has been exhausted (e.g. check quota).";
      case 503 -> "The model is overloaded. Please try again later.";
      default ->
          httpStatus >= 500
              ? "An internal error has occurred. Please retry or report it."
              : "The request failed.";
    };
  }

  @Override
  public String toString() {
    return isError()
        ? "GeminiReply[error " + status + "]"
        : "GeminiReply[" + chunks.size() + " chunks, " + functionCalls.size() + " calls]";
  }
}
