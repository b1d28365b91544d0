package dev.nexus.agent.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.nexus.core.error.RetriableException;
import dev.nexus.core.model.LanguageModel;
import dev.nexus.core.model.ModelRequest;
import dev.nexus.core.model.ModelResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LanguageModel} backed by any LangChain4j chat model, so any provider LangChain4j
 * supports can drive Nexus. Messages, tool specifications (typed JSON schemas with descriptions,
 * required names and enumerations), tool calls and token usage are mapped both ways.
 *
 * <p>Given a {@link StreamingChatModel}, text reaches {@code onTextDelta} piece by piece as the
 * provider writes it, always on the thread that called {@link #generate}, which blocks until the
 * answer is complete (if the consumer throws, that exception propagates at once). Given a {@link
 * ChatModel}, the whole text arrives as one delta. Failures are mapped in one place: 429, 5xx,
 * timeouts and unreachable servers become {@link RetriableException}s, refusals (400, 401, 403,
 * 404) become {@link ModelCallException}s, and no message carries the API key or the prompt.
 *
 * <p>Limitations: only text goes to and from the model (no images or files); a streaming answer
 * that never completes is abandoned after {@code completionTimeout} (default five minutes), and an
 * abandoned or failed-consumer stream is not cancelled at the provider (LangChain4j offers no
 * cancellation here): it runs to its end in the background.
 */
public final class LangChain4jLanguageModel implements LanguageModel {

  private static final Logger LOG = LoggerFactory.getLogger(LangChain4jLanguageModel.class);
  private static final Duration DEFAULT_COMPLETION_TIMEOUT = Duration.ofMinutes(5);

  private final String provider;
  private final ChatModel chat;
  private final StreamingChatModel streaming;
  private final Duration completionTimeout;
  private final boolean oneCallPerTurn;

  /** Adapts a blocking chat model; {@code provider} names it in messages, e.g. "Gemini". */
  public LangChain4jLanguageModel(String provider, ChatModel model) {
    this(provider, Objects.requireNonNull(model, "model"), null, DEFAULT_COMPLETION_TIMEOUT, false);
  }

  /** Adapts a streaming chat model; {@code provider} names it in messages, e.g. "Gemini". */
  public LangChain4jLanguageModel(String provider, StreamingChatModel model) {
    this(provider, null, Objects.requireNonNull(model, "model"), DEFAULT_COMPLETION_TIMEOUT, false);
  }

  /** Adapts a blocking chat model, named "The model" in messages. */
  public LangChain4jLanguageModel(ChatModel model) {
    this("The model", model);
  }

  /** Adapts a streaming chat model, named "The model" in messages. */
  public LangChain4jLanguageModel(StreamingChatModel model) {
    this("The model", model);
  }

  private LangChain4jLanguageModel(
      String provider,
      ChatModel chat,
      StreamingChatModel streaming,
      Duration completionTimeout,
      boolean oneCallPerTurn) {
    this.provider = requireName(provider);
    this.oneCallPerTurn = oneCallPerTurn;
    this.chat = chat;
    this.streaming = streaming;
    this.completionTimeout = Objects.requireNonNull(completionTimeout, "completionTimeout");
    if (completionTimeout.isNegative() || completionTimeout.isZero()) {
      throw new IllegalArgumentException("completionTimeout must be positive");
    }
  }

  /** A copy that gives up on a streaming answer not complete after {@code timeout}. */
  public LangChain4jLanguageModel withCompletionTimeout(Duration timeout) {
    return new LangChain4jLanguageModel(provider, chat, streaming, timeout, oneCallPerTurn);
  }

  /**
   * A copy that replays an answer with several tool calls as one call and its result at a time.
   * Gemini needs this through LangChain4j: it refuses N parallel calls whose N results do not
   * arrive in one turn, and LangChain4j's Gemini client sends each result as its own turn.
   */
  public LangChain4jLanguageModel withOneToolCallPerTurn() {
    return new LangChain4jLanguageModel(provider, chat, streaming, completionTimeout, true);
  }

  /** Whether text is streamed as the provider writes it. */
  public boolean isStreaming() {
    return streaming != null;
  }

  @Override
  public ModelResponse generate(ModelRequest request, Consumer<String> onTextDelta) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(onTextDelta, "onTextDelta");
    ChatRequest chatRequest = LangChain4jMapping.toChatRequest(request, oneCallPerTurn);
    long started = System.nanoTime();
    String outcome = "failed";
    try {
      ModelResponse response =
          streaming != null ? stream(chatRequest, onTextDelta) : blocking(chatRequest);
      if (streaming == null && !response.text().isEmpty()) {
        onTextDelta.accept(response.text());
      }
      outcome = response.toolCalls().isEmpty() ? "text" : response.toolCalls().size() + " calls";
      return response;
    } catch (RuntimeException e) {
      outcome = e.getClass().getSimpleName();
      throw e;
    } finally {
      LOG.debug(
          "model call provider={} streaming={} messages={} tools={} outcome={} took={}ms",
          provider,
          streaming != null,
          request.messages().size(),
          request.tools().size(),
          outcome,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
  }

  private ModelResponse blocking(ChatRequest chatRequest) {
    ChatResponse response;
    try {
      response = chat.chat(chatRequest);
    } catch (RuntimeException e) {
      throw ModelFailures.map(provider, e);
    }
    return LangChain4jMapping.toModelResponse(response, provider);
  }

  /**
   * Streams on the provider's thread but hands every delta to {@code onTextDelta} on the calling
   * thread, in order, so the caller's consumer never runs concurrently with it or after return.
   */
  private ModelResponse stream(ChatRequest chatRequest, Consumer<String> onTextDelta) {
    BlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
    try {
      start(chatRequest, signals);
    } catch (RuntimeException e) {
      throw ModelFailures.map(provider, e);
    }
    long deadline = System.nanoTime() + completionTimeout.toNanos();
    while (true) {
      Signal signal = next(signals, deadline);
      if (signal instanceof Signal.Delta delta) {
        onTextDelta.accept(delta.text());
      } else if (signal instanceof Signal.Complete complete) {
        return LangChain4jMapping.toModelResponse(complete.response(), provider);
      } else {
        throw ModelFailures.map(provider, ((Signal.Failed) signal).error());
      }
    }
  }

  /** What the provider's thread reports to the calling thread. */
  private sealed interface Signal {
    record Delta(String text) implements Signal {}

    record Complete(ChatResponse response) implements Signal {}

    record Failed(Throwable error) implements Signal {}
  }

  private void start(ChatRequest chatRequest, BlockingQueue<Signal> signals) {
    streaming.chat(
        chatRequest,
        new StreamingChatResponseHandler() {
          @Override
          public void onPartialResponse(String partialResponse) {
            if (partialResponse != null && !partialResponse.isEmpty()) {
              signals.add(new Signal.Delta(partialResponse));
            }
          }

          @Override
          public void onCompleteResponse(ChatResponse completeResponse) {
            signals.add(new Signal.Complete(completeResponse));
          }

          @Override
          public void onError(Throwable error) {
            signals.add(new Signal.Failed(error));
          }
        });
  }

  private Signal next(BlockingQueue<Signal> signals, long deadline) {
    try {
      Signal signal = signals.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (signal == null) {
        throw new RetriableException(
            provider + " did not finish answering in time; try again shortly.");
      }
      return signal;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableException(provider + " call was interrupted.", null, e);
    }
  }

  private static String requireName(String provider) {
    Objects.requireNonNull(provider, "provider");
    if (provider.isBlank()) {
      throw new IllegalArgumentException("provider must not be blank");
    }
    return provider;
  }

  @Override
  public String toString() {
    return "LangChain4jLanguageModel[" + provider + (streaming != null ? ", streaming]" : "]");
  }
}
