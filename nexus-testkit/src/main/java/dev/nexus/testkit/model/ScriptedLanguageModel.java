package dev.nexus.testkit.model;

import dev.nexus.core.model.LanguageModel;
import dev.nexus.core.model.ModelRequest;
import dev.nexus.core.model.ModelResponse;
import dev.nexus.core.model.TokenUsage;
import dev.nexus.core.tool.ToolCall;
import dev.nexus.core.tool.ToolCallId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A {@link LanguageModel} that replays prepared answers in order, one per {@link #generate} call,
 * and records every request it received so a test can assert what the model saw (which tools were
 * offered, how tool results were framed).
 *
 * <pre>{@code
 * ScriptedLanguageModel model = new ScriptedLanguageModel()
 *     .thenToolCall("gmail_send", Map.of("to", List.of("bob@acme.test"), "subject", "Hi"))
 *     .thenText("I sent it.");
 * ...
 * assertThat(model.requests().get(0).tools()).extracting(ToolSpec::name).contains("gmail_send");
 * }</pre>
 *
 * <p>Text is streamed to {@code onTextDelta} in several pieces (one per word, spaces kept) whose
 * concatenation is exactly the answer's text. Tool call ids are {@code call-1}, {@code call-2}, ...
 * in the order the script creates them, unless a step gives its own {@link ToolCall}. A call past
 * the end of the script throws {@link ScriptExhaustedException}. Thread-safe: concurrent calls each
 * take the next step.
 */
public final class ScriptedLanguageModel implements LanguageModel {

  private final Deque<Function<ModelRequest, ModelResponse>> steps = new ArrayDeque<>();
  private final List<ModelRequest> requests = new ArrayList<>();
  private int scripted;
  private int nextCallId = 1;

  /** Answers the next call with text only. */
  public synchronized ScriptedLanguageModel thenText(String text) {
    Objects.requireNonNull(text, "text");
    return then(ModelResponse.text(text));
  }

  /** Answers the next call with one tool call of {@code toolName} with {@code arguments}. */
  public synchronized ScriptedLanguageModel thenToolCall(
      String toolName, Map<String, ?> arguments) {
    return thenTextAndToolCalls("", List.of(call(toolName, arguments)));
  }

  /** Answers the next call with these tool calls (see {@link #call} to build them). */
  public synchronized ScriptedLanguageModel thenToolCalls(List<ToolCall> calls) {
    return thenTextAndToolCalls("", calls);
  }

  /** Answers the next call with text followed by tool calls. */
  public synchronized ScriptedLanguageModel thenTextAndToolCalls(
      String text, List<ToolCall> calls) {
    return then(new ModelResponse(text, calls, TokenUsage.NONE));
  }

  /** Answers the next call with exactly {@code response} (its text is streamed in pieces). */
  public synchronized ScriptedLanguageModel then(ModelResponse response) {
    Objects.requireNonNull(response, "response");
    return then(request -> response);
  }

  /**
   * Answers the next call with whatever {@code step} makes of the request, for answers that depend
   * on what the model is shown (for example echoing a tool result).
   */
  public synchronized ScriptedLanguageModel then(Function<ModelRequest, ModelResponse> step) {
    Objects.requireNonNull(step, "step");
    steps.addLast(step);
    scripted++;
    return this;
  }

  /**
   * Makes the next call throw {@code failure} (for example a {@link
   * dev.nexus.core.error.RetriableException} to play an unavailable model).
   */
  public synchronized ScriptedLanguageModel thenFail(Supplier<? extends RuntimeException> failure) {
    Objects.requireNonNull(failure, "failure");
    return then(
        request -> {
          throw failure.get();
        });
  }

  /** A tool call with the next scripted id ({@code call-N}), for {@link #thenToolCalls}. */
  public synchronized ToolCall call(String toolName, Map<String, ?> arguments) {
    Objects.requireNonNull(toolName, "toolName");
    Objects.requireNonNull(arguments, "arguments");
    return new ToolCall(
        new ToolCallId("call-" + nextCallId++), toolName, new LinkedHashMap<>(arguments));
  }

  @Override
  public ModelResponse generate(ModelRequest request, Consumer<String> onTextDelta) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(onTextDelta, "onTextDelta");
    Function<ModelRequest, ModelResponse> step;
    synchronized (this) {
      requests.add(request);
      step = steps.pollFirst();
      if (step == null) {
        throw new ScriptExhaustedException(
            "the scripted model was called "
                + requests.size()
                + " times but its script has only "
                + scripted
                + " answers; the unexpected request had "
                + request.messages().size()
                + " messages");
      }
    }

    ModelResponse response = step.apply(request);
    if (response == null) {
      throw new IllegalStateException("a scripted step returned no response");
    }
    deltas(response.text()).forEach(onTextDelta);
    return response;
  }

  /** Every request received so far, oldest first (including one that exhausted the script). */
  public synchronized List<ModelRequest> requests() {
    return List.copyOf(requests);
  }

  /**
   * The most recent request.
   *
   * @throws AssertionError when the model was never called
   */
  public synchronized ModelRequest lastRequest() {
    if (requests.isEmpty()) {
      throw new AssertionError("the scripted model was never called");
    }
    return requests.get(requests.size() - 1);
  }

  /** How many scripted answers have not been used yet. */
  public synchronized int remaining() {
    return steps.size();
  }

  /**
   * Splits text into the pieces it is streamed in: one per word, each with the spaces before the
   * next word. Their concatenation is {@code text}; empty text has no pieces.
   */
  public static List<String> deltas(String text) {
    List<String> pieces = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < text.length()) {
      while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      pieces.add(text.substring(start, i));
      start = i;
    }
    return pieces;
  }
}
