package dev.nexus.agent.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.nexus.core.conversation.ChatMessage.UserMessage;
import dev.nexus.core.model.LanguageModel;
import dev.nexus.core.model.ModelRequest;
import dev.nexus.testkit.gemini.FakeGeminiServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** With every logger at TRACE, a Gemini key never appears in any log line or logged exception. */
class GeminiKeyLoggingTest {

  private static final String KEY = "AIzaSyLoggedNowhere-7f3c9e1d";

  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  private Level previous;
  private FakeGeminiServer gemini;

  @BeforeEach
  void captureEverything() {
    previous = root.getLevel();
    root.setLevel(Level.TRACE);
    captured.start();
    root.addAppender(captured);
    gemini = FakeGeminiServer.start();
  }

  @AfterEach
  void restore() {
    gemini.close();
    root.detachAppender(captured);
    root.setLevel(previous);
  }

  @Test
  void successesAndFailures_logNothingContainingTheKey() {
    gemini
        .enqueueText("Hello.")
        .enqueueFunctionCall("gmail_read_latest", Map.of("count", 2))
        .enqueueError(400)
        .enqueueError(429)
        .enqueueError(500);
    GeminiLanguageModels factory =
        GeminiLanguageModels.builder()
            .baseUrl(gemini.baseUrl())
            .timeout(Duration.ofSeconds(5))
            .maxRetries(0)
            .build();
    ModelRequest request = new ModelRequest("Be brief.", List.of(new UserMessage("Hi")), List.of());

    for (int i = 0; i < 5; i++) {
      LanguageModel model = factory.forKey(KEY);
      catchThrowable(() -> model.generate(request, delta -> {}));
    }
    catchThrowable(() -> factory.forKey(KEY + " with a space"));

    assertThat(gemini.requests()).hasSize(5).allMatch(r -> KEY.equals(r.apiKey()));
    assertThat(captured.list)
        .as("the adapter logs one DEBUG line per call")
        .filteredOn(e -> e.getLoggerName().equals(LangChain4jLanguageModel.class.getName()))
        .hasSize(5);
    for (ILoggingEvent event : captured.list) {
      assertThat(event.getFormattedMessage()).doesNotContain(KEY);
      for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
        assertThat(String.valueOf(t.getMessage())).doesNotContain(KEY);
      }
    }
  }
}
