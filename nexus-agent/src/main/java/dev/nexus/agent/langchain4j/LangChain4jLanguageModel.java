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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LanguageModel} backed by any LangChain4j chat model, so any provider LangChain4j
 * supports can drive Nexus. Messages, tool specifications (typed JSON schemas with descriptions,
 * required names and enumerations), tool calls and token usage are mapped both ways.
 *
 * <p>Given a {@link StreamingChatModel}, text reaches {@code onTextDelta} piece by piece as the
 * provider writes it, and {@link #generate} blocks until the answer is complete; given a {@link
 * ChatModel}, the whole text arrives as one delta. Failures are mapped in one place: 429, 5xx,
 * timeouts and unreachable servers become {@link RetriableException}s, refusals (400, 401, 403,
 * 404) become {@link ModelCallException}s, and no message carries the API key or the prompt.
 *
 * <p>Limitations: only text goes to and from the model (no images or files); a streaming answer
 * that never completes is abandoned after {@code completionTimeout} (default five minutes).
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
    return LangChain4jMapping.toModelResponse(response);
  }

  private ModelResponse stream(ChatRequest chatRequest, Consumer<String> onTextDelta) {
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    AtomicReference<RuntimeException> consumerFailure = new AtomicReference<>();
    try {
      start(chatRequest, onTextDelta, done, consumerFailure);
    } catch (RuntimeException e) {
      throw ModelFailures.map(provider, e);
    }
    ChatResponse response = await(done);
    if (consumerFailure.get() != null) {
      throw consumerFailure.get();
    }
    return LangChain4jMapping.toModelResponse(response);
  }

  private void start(
      ChatRequest chatRequest,
      Consumer<String> onTextDelta,
      CompletableFuture<ChatResponse> done,
      AtomicReference<RuntimeException> consumerFailure) {
    streaming.chat(
        chatRequest,
        new StreamingChatResponseHandler() {
          @Override
          public void onPartialResponse(String partialResponse) {
            if (partialResponse == null
                || partialResponse.isEmpty()
                || consumerFailure.get() != null) {
              return;
            }
            try {
              onTextDelta.accept(partialResponse);
            } catch (RuntimeException e) {
              // The receiver went away (for example a closed stream): stop forwarding, report it.
              consumerFailure.compareAndSet(null, e);
            }
          }

          @Override
          public void onCompleteResponse(ChatResponse completeResponse) {
            done.complete(completeResponse);
          }

          @Override
          public void onError(Throwable error) {
            done.completeExceptionally(error);
          }
        });
  }

  private ChatResponse await(CompletableFuture<ChatResponse> done) {
    try {
      return done.get(completionTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableException(provider + " call was interrupted.", null, e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new RetriableException(
          provider + " did not finish answering in time; try again shortly.", null, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw ModelFailures.map(provider, cause);
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
