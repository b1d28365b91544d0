package dev.nexus.agent.langchain4j;

import dev.nexus.core.model.LanguageModel;
import dev.nexus.testkit.contract.LanguageModelContract;
import dev.nexus.testkit.gemini.FakeGeminiServer;
import dev.nexus.testkit.gemini.GeminiReply;
import dev.nexus.testkit.gemini.GeminiReply.FunctionCall;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;

/**
 * The LangChain4j adapter passes the language model contract over the real LangChain4j Gemini
 * client talking to {@link FakeGeminiServer}, both blocking and streaming.
 */
class LangChain4jLanguageModelContractTest {

  private static final String KEY = "AIzaContractKey-0123456789";

  private FakeGeminiServer gemini;

  @BeforeEach
  void startFake() {
    gemini = FakeGeminiServer.start();
  }

  @AfterEach
  void stopFake() {
    gemini.close();
  }

  /** The contract over one mode of the Gemini client; each factory queues the next reply. */
  abstract class OverGemini extends LanguageModelContract {

    abstract boolean streaming();

    private LanguageModel model() {
      return GeminiLanguageModels.builder()
          .baseUrl(gemini.baseUrl())
          .timeout(Duration.ofSeconds(10))
          .maxRetries(0)
          .streaming(streaming())
          .build()
          .forKey(KEY);
    }

    @Override
    protected LanguageModel answeringText(List<String> pieces) {
      gemini.enqueue(GeminiReply.text(pieces.toArray(String[]::new)));
      return model();
    }

    @Override
    protected LanguageModel answeringToolCalls(String text, List<PlannedCall> calls) {
      FunctionCall[] functionCalls =
          calls.stream()
              .map(c -> FunctionCall.of(c.toolName(), c.arguments()))
              .toArray(FunctionCall[]::new);
      gemini.enqueue(
          text.isEmpty()
              ? GeminiReply.functionCalls(functionCalls)
              : GeminiReply.text(text).withFunctionCalls(functionCalls));
      return model();
    }

    @Override
    protected LanguageModel unavailable() {
      gemini.enqueueError(503);
      return model();
    }

    @Override
    protected LanguageModel refusing() {
      gemini.enqueueError(400);
      return model();
    }
  }

  @Nested
  class Blocking extends OverGemini {
    @Override
    boolean streaming() {
      return false;
    }
  }

  @Nested
  class Streaming extends OverGemini {
    @Override
    boolean streaming() {
      return true;
    }
  }
}
