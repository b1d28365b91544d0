package dev.nexus.agent.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.googleai.GoogleAiGeminiChatModel;
import dev.nexus.core.authorization.Capability;
import dev.nexus.core.conversation.ChatMessage;
import dev.nexus.core.conversation.ChatMessage.AssistantMessage;
import dev.nexus.core.conversation.ChatMessage.ToolResultMessage;
import dev.nexus.core.conversation.ChatMessage.UserMessage;
import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.error.RetriableException;
import dev.nexus.core.model.LanguageModel;
import dev.nexus.core.model.ModelRequest;
import dev.nexus.core.model.ModelResponse;
import dev.nexus.core.model.TokenUsage;
import dev.nexus.core.tool.Parameter;
import dev.nexus.core.tool.ParameterSchema;
import dev.nexus.core.tool.RiskClass;
import dev.nexus.core.tool.ToolCall;
import dev.nexus.core.tool.ToolCallId;
import dev.nexus.core.tool.ToolResult;
import dev.nexus.core.tool.ToolSpec;
import dev.nexus.testkit.gemini.FakeGeminiServer;
import dev.nexus.testkit.gemini.GeminiReply;
import dev.nexus.testkit.gemini.GeminiReply.FunctionCall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Gemini path end to end: the real LangChain4j Gemini client against {@link FakeGeminiServer}.
 */
class GeminiLanguageModelTest {

  private static final String KEY = "AIzaTestKey-0123456789abcdef";

  private static final ToolSpec SEND =
      new ToolSpec(
          "gmail_send",
          "Sends an email.",
          ParameterSchema.of(
              Parameter.stringArray("to", "Recipients", true),
              Parameter.optionalString("subject", "Subject line"),
              Parameter.requiredString("body", "Plain-text body")),
          Capability.SEND_MAIL,
          RiskClass.WRITE);

  private static final ToolSpec READ_LATEST =
      new ToolSpec(
          "gmail_read_latest",
          "Reads the latest emails.",
          ParameterSchema.of(
              Parameter.integer("count", "How many", false, 1, 50),
              Parameter.bool("unread_only", "Only unread ones", false)),
          Capability.READ_MAIL,
          RiskClass.READ);

  private static final ToolSpec NOTION_SEARCH =
      new ToolSpec(
          "notion_search",
          "Searches Notion.",
          ParameterSchema.of(
              Parameter.requiredString("query", "Words to find"),
              Parameter.enumeration("kind", "What to find", false, List.of("page", "data_source"))),
          Capability.READ_NOTION,
          RiskClass.READ);

  private FakeGeminiServer gemini;
  private final List<String> deltas = new ArrayList<>();

  @BeforeEach
  void startFake() {
    gemini = FakeGeminiServer.start();
  }

  @AfterEach
  void stopFake() {
    gemini.close();
  }

  private GeminiLanguageModels factory(boolean streaming) {
    return GeminiLanguageModels.builder()
        .baseUrl(gemini.baseUrl())
        .timeout(Duration.ofSeconds(10))
        .maxRetries(0)
        .streaming(streaming)
        .build();
  }

  private LanguageModel model(boolean streaming) {
    return factory(streaming).forKey(KEY);
  }

  private static ModelRequest ask(String text, ToolSpec... tools) {
    return new ModelRequest("You are Nexus.", List.of(new UserMessage(text)), List.of(tools));
  }

  @Test
  void blocking_text_returnsTheTextUsageAndOneDelta() {
    gemini.enqueue(GeminiReply.text("Hello from Gemini.").withUsage(120, 9));

    ModelResponse response = model(false).generate(ask("Hi"), deltas::add);

    assertThat(response.text()).isEqualTo("Hello from Gemini.");
    assertThat(response.toolCalls()).isEmpty();
    assertThat(response.usage()).isEqualTo(new TokenUsage(120, 9));
    assertThat(deltas).containsExactly("Hello from Gemini.");
    assertThat(gemini.lastRequest().streaming()).isFalse();
    assertThat(gemini.lastRequest().model()).isEqualTo("gemini-2.5-flash");
  }

  @Test
  void streaming_text_deliversEveryChunkAsADeltaInOrder() {
    gemini.enqueue(GeminiReply.text("You have ", "three ", "new emails.").withUsage(200, 12));

    ModelResponse response = model(true).generate(ask("Anything new?"), deltas::add);

    assertThat(deltas).containsExactly("You have ", "three ", "new emails.");
    assertThat(response.text()).isEqualTo("You have three new emails.");
    assertThat(response.usage()).isEqualTo(new TokenUsage(200, 12));
    assertThat(gemini.lastRequest().streaming()).isTrue();
    assertThat(gemini.lastRequest().query()).isEqualTo("alt=sse");
  }

  @Test
  void request_carriesTheKeyHeaderSystemPromptAndUserText() {
    gemini.enqueueText("ok");

    model(true).generate(ask("Read my mail"), deltas::add);

    var request = gemini.lastRequest();
    assertThat(request.apiKey()).isEqualTo(KEY);
    assertThat(request.query()).doesNotContain(KEY);
    assertThat(request.systemInstruction()).contains("You are Nexus.");
    assertThat(request.lastUserText()).contains("Read my mail");
  }

  @Test
  void tools_areDeclaredWithTypedPropertiesRequiredNamesAndEnums() {
    gemini.enqueueText("ok");

    model(false).generate(ask("Hi", SEND, READ_LATEST, NOTION_SEARCH), deltas::add);

    var request = gemini.lastRequest();
    assertThat(request.declaredFunctionNames())
        .containsExactly("gmail_send", "gmail_read_latest", "notion_search");
    JsonNode send = request.declaredFunction("gmail_send").orElseThrow();
    assertThat(send.path("description").asText()).isEqualTo("Sends an email.");
    JsonNode properties = send.path("parameters").path("properties");
    assertThat(properties.path("to").path("type").asText()).isEqualTo("ARRAY");
    assertThat(properties.path("to").path("items").path("type").asText()).isEqualTo("STRING");
    assertThat(properties.path("body").path("description").asText()).isEqualTo("Plain-text body");
    assertThat(send.path("parameters").path("required"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("to", "body");
    JsonNode latest =
        request.declaredFunction("gmail_read_latest").orElseThrow().path("parameters");
    assertThat(latest.path("properties").path("count").path("type").asText()).isEqualTo("INTEGER");
    assertThat(latest.path("properties").path("count").path("description").asText())
        .isEqualTo("How many (1 to 50)");
    assertThat(latest.path("properties").path("unread_only").path("type").asText())
        .isEqualTo("BOOLEAN");
    JsonNode kind =
        request
            .declaredFunction("notion_search")
            .orElseThrow()
            .path("parameters")
            .path("properties")
            .path("kind");
    assertThat(kind.path("enum"))
        .extracting(JsonNode::asText)
        .containsExactly("page", "data_source");
  }

  @Test
  void functionCall_withoutId_becomesAToolCallWithAFreshIdAndTypedArguments() {
    gemini.enqueue(
        GeminiReply.functionCalls(
            FunctionCall.of("gmail_read_latest", Map.of("count", 5, "unread_only", true)),
            FunctionCall.of("notion_search", Map.of("query", "roadmap"))));

    ModelResponse response = model(false).generate(ask("Go", READ_LATEST, NOTION_SEARCH), s -> {});

    assertThat(response.toolCalls()).hasSize(2);
    ToolCall read = response.toolCalls().get(0);
    assertThat(read.toolName()).isEqualTo("gmail_read_latest");
    assertThat(read.args().integer("count")).isEqualTo(5);
    assertThat(read.args().bool("unread_only", false)).isTrue();
    assertThat(response.toolCalls().get(1).args().string("query")).isEqualTo("roadmap");
    assertThat(read.id()).isNotEqualTo(response.toolCalls().get(1).id());
    assertThat(read.id().value()).startsWith("call-");
  }

  @Test
  void functionCall_withModelId_keepsThatId() {
    gemini.enqueue(
        GeminiReply.functionCalls(
            FunctionCall.withId("fc-42", "notion_search", Map.of("query", "plans"))));

    ModelResponse response = model(false).generate(ask("Go", NOTION_SEARCH), s -> {});

    assertThat(response.toolCalls())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.id().value()).isEqualTo("fc-42");
              assertThat(c.args().string("query")).isEqualTo("plans");
            });
  }

  @Test
  void streaming_functionCall_arrivesWithArrayArguments() {
    gemini.enqueue(
        GeminiReply.text("Drafting it now. ")
            .withFunctionCalls(
                FunctionCall.of(
                    "gmail_send",
                    Map.of("to", List.of("ana@acme.test"), "subject", "Hi", "body", "Hello"))));

    ModelResponse response = model(true).generate(ask("Send it", SEND), deltas::add);

    assertThat(deltas).containsExactly("Drafting it now. ");
    assertThat(response.text()).isEqualTo("Drafting it now. ");
    assertThat(response.toolCalls())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.toolName()).isEqualTo("gmail_send");
              assertThat(c.args().stringList("to")).containsExactly("ana@acme.test");
              assertThat(c.args().string("body")).isEqualTo("Hello");
            });
  }

  @Test
  void multiStep_sendsTheCallAndItsResultBackAsFunctionCallAndFunctionResponse() {
    LanguageModel model = model(true);
    gemini.enqueue(GeminiReply.functionCall("gmail_read_latest", Map.of("count", 2)));
    gemini.enqueue(GeminiReply.text("Your latest are ", "Lunch and Invoice."));
    ModelRequest first = ask("Read my latest 2 emails", READ_LATEST);
    ToolCall call = model.generate(first, deltas::add).toolCalls().get(0);
    String output =
        "<tool-output tool=\"gmail_read_latest\">2 messages: Lunch, Invoice</tool-output>";
    List<ChatMessage> history =
        List.of(
            new UserMessage("Read my latest 2 emails"),
            new AssistantMessage("", List.of(call)),
            new ToolResultMessage(call.id(), call.toolName(), ToolResult.success(output)));

    ModelResponse answer =
        model.generate(
            new ModelRequest("You are Nexus.", history, List.of(READ_LATEST)), deltas::add);

    assertThat(answer.text()).isEqualTo("Your latest are Lunch and Invoice.");
    var second = gemini.lastRequest();
    assertThat(second.functionCalls())
        .singleElement()
        .satisfies(
            fc -> {
              assertThat(fc.path("name").asText()).isEqualTo("gmail_read_latest");
              assertThat(fc.path("args").path("count").asInt()).isEqualTo(2);
            });
    assertThat(second.functionResponses())
        .singleElement()
        .satisfies(
            fr -> {
              assertThat(fr.path("name").asText()).isEqualTo("gmail_read_latest");
              assertThat(fr.path("response").toString()).contains("2 messages: Lunch, Invoice");
            });
    assertThat(second.contents())
        .extracting(c -> c.path("role").asText())
        .containsExactly("user", "model", "user");
  }

  @Test
  void parallelCalls_areReplayedOneCallAndItsResultAtATime_soGeminiAcceptsThem() {
    LanguageModel model = model(false);
    gemini.enqueue(
        GeminiReply.functionCalls(
            FunctionCall.of("gmail_read_latest", Map.of("count", 1)),
            FunctionCall.of("notion_search", Map.of("query", "plans"))));
    gemini.enqueueText("Done.");
    List<ToolCall> calls =
        model.generate(ask("Both", READ_LATEST, NOTION_SEARCH), s -> {}).toolCalls();
    // Results in the opposite order, as approvals decided out of order would leave them.
    List<ChatMessage> history =
        List.of(
            new UserMessage("Both"),
            new AssistantMessage("Looking.", calls),
            new ToolResultMessage(
                calls.get(1).id(), calls.get(1).toolName(), ToolResult.success("0 results:")),
            new ToolResultMessage(
                calls.get(0).id(), calls.get(0).toolName(), ToolResult.success("1 messages:")));

    ModelResponse answer =
        model.generate(new ModelRequest("", history, List.of(READ_LATEST, NOTION_SEARCH)), s -> {});

    assertThat(answer.text()).isEqualTo("Done.");
    var request = gemini.lastRequest();
    assertThat(request.contents())
        .extracting(c -> c.path("role").asText())
        .containsExactly("user", "model", "user", "model", "user");
    assertThat(request.functionCalls())
        .extracting(c -> c.path("name").asText())
        .containsExactly("gmail_read_latest", "notion_search");
    assertThat(request.functionResponses())
        .extracting(r -> r.path("name").asText())
        .containsExactly("gmail_read_latest", "notion_search");
    assertThat(request.contents().get(1).path("parts").get(0).path("text").asText())
        .isEqualTo("Looking.");
  }

  @Test
  void parallelCalls_withoutOneCallPerTurn_areRefusedByGemini() {
    LanguageModel plain =
        new LangChain4jLanguageModel(
            "Gemini",
            GoogleAiGeminiChatModel.builder()
                .baseUrl(gemini.baseUrl())
                .apiKey(KEY)
                .modelName("gemini-2.5-flash")
                .maxRetries(0)
                .build());
    ToolCall first = new ToolCall(ToolCallId.random(), "gmail_read_latest", Map.of());
    ToolCall second = new ToolCall(ToolCallId.random(), "notion_search", Map.of("query", "x"));
    List<ChatMessage> history =
        List.of(
            new UserMessage("Both"),
            new AssistantMessage("", List.of(first, second)),
            new ToolResultMessage(first.id(), first.toolName(), ToolResult.success("a")),
            new ToolResultMessage(second.id(), second.toolName(), ToolResult.success("b")));
    gemini.enqueueText("unused");

    Throwable thrown =
        catchThrowable(
            () ->
                plain.generate(
                    new ModelRequest("", history, List.of(READ_LATEST, NOTION_SEARCH)), s -> {}));

    assertThat(thrown).isInstanceOf(ModelCallException.class);
    assertThat(((ModelCallException) thrown).reason())
        .isEqualTo(ModelCallException.Reason.INVALID_REQUEST);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void status400_isAnInvalidRequest_notRetriable(boolean streaming) {
    gemini.enqueueError(400);

    Throwable thrown = catchThrowable(() -> model(streaming).generate(ask("Hi"), deltas::add));

    assertThat(thrown).isInstanceOf(ModelCallException.class);
    assertThat(((ModelCallException) thrown).reason())
        .isEqualTo(ModelCallException.Reason.INVALID_REQUEST);
    assertThat(((ModelCallException) thrown).retriable()).isFalse();
    assertThat(thrown).hasMessage("Gemini refused the request as invalid (HTTP 400).");
    assertNoKeyAnywhere(thrown);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void wrongKey_isAnAuthenticationFailure_withoutTheKeyInAnyMessage(boolean streaming) {
    gemini.requireApiKey("the-right-key");
    gemini.enqueueText("never sent");

    Throwable thrown = catchThrowable(() -> model(streaming).generate(ask("Hi"), deltas::add));

    assertThat(thrown).isInstanceOf(ModelCallException.class);
    assertThat(((ModelCallException) thrown).reason())
        .isEqualTo(ModelCallException.Reason.AUTHENTICATION);
    assertThat(thrown.getMessage()).contains("API key").contains("400");
    assertNoKeyAnywhere(thrown);
    assertThat(gemini.remainingReplies()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {401, 403})
  void status401and403_areAuthenticationFailures(int status) {
    gemini.enqueueError(status);

    Throwable thrown = catchThrowable(() -> model(false).generate(ask("Hi"), deltas::add));

    assertThat(thrown).isInstanceOf(ModelCallException.class);
    assertThat(((ModelCallException) thrown).reason())
        .isEqualTo(ModelCallException.Reason.AUTHENTICATION);
    assertThat(thrown.getMessage()).contains("HTTP " + status);
    assertNoKeyAnywhere(thrown);
  }

  @Test
  void status404_isAnUnknownModel() {
    gemini.enqueueError(404);

    Throwable thrown = catchThrowable(() -> model(true).generate(ask("Hi"), deltas::add));

    assertThat(thrown).isInstanceOf(ModelCallException.class);
    assertThat(((ModelCallException) thrown).reason())
        .isEqualTo(ModelCallException.Reason.MODEL_NOT_FOUND);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void status429_isRetriable(boolean streaming) {
    gemini.enqueueError(429);

    Throwable thrown = catchThrowable(() -> model(streaming).generate(ask("Hi"), deltas::add));

    assertThat(thrown).isInstanceOf(RetriableException.class);
    assertThat(thrown)
        .hasMessage("Gemini is rate limiting requests (HTTP 429); try again shortly.");
    assertNoKeyAnywhere(thrown);
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 503})
  void status5xx_isRetriable_inBothModes(int status) {
    gemini.enqueueError(status);
    gemini.enqueueError(status);

    Throwable blocking = catchThrowable(() -> model(false).generate(ask("Hi"), deltas::add));
    Throwable streaming = catchThrowable(() -> model(true).generate(ask("Hi"), deltas::add));

    assertThat(blocking).isInstanceOf(RetriableException.class).hasMessageContaining("" + status);
    assertThat(streaming).isInstanceOf(RetriableException.class).hasMessageContaining("" + status);
    assertThat(gemini.requests()).hasSize(2);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void emptyAnswerBlockedForSafety_isAContentFilterRefusal(boolean streaming) {
    gemini.enqueue(GeminiReply.text().withFinishReason("SAFETY"));

    Throwable thrown = catchThrowable(() -> model(streaming).generate(ask("Hi"), deltas::add));

    assertThat(thrown).isInstanceOf(ModelCallException.class);
    assertThat(((ModelCallException) thrown).reason())
        .isEqualTo(ModelCallException.Reason.CONTENT_FILTERED);
    assertThat(thrown)
        .hasMessage("Gemini declined to answer this request because of its content filter.");
  }

  @Test
  void garbledAnswer_isAnInvalidResponse() {
    gemini.enqueue(GeminiReply.garbled());

    Throwable thrown = catchThrowable(() -> model(false).generate(ask("Hi"), deltas::add));

    assertThat(thrown).isInstanceOf(ModelCallException.class);
    assertThat(((ModelCallException) thrown).reason())
        .isEqualTo(ModelCallException.Reason.INVALID_RESPONSE);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void droppedConnection_isRetriable(boolean streaming) {
    gemini.enqueue(GeminiReply.disconnect());

    Throwable thrown = catchThrowable(() -> model(streaming).generate(ask("Hi"), deltas::add));

    assertThat(thrown).isInstanceOf(RetriableException.class);
    assertNoKeyAnywhere(thrown);
  }

  @Test
  void slowAnswer_pastTheTimeout_isRetriable() {
    gemini.enqueue(GeminiReply.text("late").withDelay(Duration.ofSeconds(3)));
    LanguageModel model =
        GeminiLanguageModels.builder()
            .baseUrl(gemini.baseUrl())
            .timeout(Duration.ofMillis(300))
            .maxRetries(0)
            .streaming(false)
            .build()
            .forKey(KEY);

    Throwable thrown = catchThrowable(() -> model.generate(ask("Hi"), deltas::add));

    assertThat(thrown).isInstanceOf(RetriableException.class).hasMessageContaining("in time");
  }

  @Test
  void unreachableServer_isRetriable() {
    String baseUrl = gemini.baseUrl();
    gemini.close();
    LanguageModel model =
        GeminiLanguageModels.builder()
            .baseUrl(baseUrl)
            .timeout(Duration.ofSeconds(2))
            .maxRetries(0)
            .build()
            .forKey(KEY);

    Throwable thrown = catchThrowable(() -> model.generate(ask("Hi"), deltas::add));

    assertThat(thrown).isInstanceOf(RetriableException.class);
    assertNoKeyAnywhere(thrown);
  }

  @Test
  void failingDeltaConsumer_propagatesItsOwnException() {
    gemini.enqueueText("one ", "two");
    IllegalStateException gone = new IllegalStateException("client went away");

    Throwable thrown =
        catchThrowable(
            () ->
                model(true)
                    .generate(
                        ask("Hi"),
                        delta -> {
                          throw gone;
                        }));

    assertThat(thrown).isSameAs(gone);
  }

  @Test
  void forKey_eachKeyReachesGeminiAsItsOwnHeader() {
    GeminiLanguageModels factory = factory(true);
    gemini.enqueueText("a").enqueueText("b");

    factory.forKey("key-of-ana").generate(ask("Hi"), deltas::add);
    factory.forKey("key-of-bob").generate(ask("Hi"), deltas::add);

    assertThat(gemini.requests())
        .extracting(r -> r.apiKey())
        .containsExactly("key-of-ana", "key-of-bob");
  }

  @Test
  void forKey_cachesModelsPerKey_inABoundedCache() {
    GeminiLanguageModels factory =
        GeminiLanguageModels.builder().baseUrl(gemini.baseUrl()).cacheSize(2).build();

    LanguageModel first = factory.forKey("key-1");
    LanguageModel again = factory.forKey("key-1");
    factory.forKey("key-2");
    factory.forKey("key-3");

    assertThat(again).isSameAs(first);
    assertThat(factory.cachedModels()).isEqualTo(2);
    assertThat(factory.forKey("key-1")).isNotSameAs(first);
  }

  @Test
  void forKey_neverShowsTheKeyInToString() {
    GeminiLanguageModels factory = factory(true);

    LanguageModel model = factory.forKey(KEY);

    assertThat(model.toString()).doesNotContain(KEY).contains("Gemini");
    assertThat(factory.toString()).doesNotContain(KEY).contains("gemini-2.5-flash");
  }

  @Test
  void forKey_rejectsMalformedKeys_withoutRepeatingThem() {
    GeminiLanguageModels factory = factory(true);

    assertThatThrownBy(() -> factory.forKey(" ")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> factory.forKey("abc\r\nX-Evil: 1"))
        .isInstanceOf(InvalidInputException.class)
        .message()
        .doesNotContain("abc")
        .doesNotContain("Evil");
    assertThatThrownBy(() -> factory.forKey(null)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void builder_rejectsABadBaseUrlAndModelName() {
    assertThatThrownBy(() -> GeminiLanguageModels.builder().baseUrl("ftp://example.test"))
        .hasMessageContaining("http or https");
    assertThatThrownBy(() -> GeminiLanguageModels.builder().modelName("gemini 2.5"))
        .hasMessageContaining("model name");
  }

  @Test
  void builder_dropsATrailingSlashFromTheBaseUrl() {
    gemini.enqueueText("ok");
    GeminiLanguageModels factory =
        GeminiLanguageModels.builder().baseUrl(gemini.baseUrl() + "/").maxRetries(0).build();

    factory.forKey(KEY).generate(ask("Hi"), deltas::add);

    assertThat(factory.baseUrl()).isEqualTo(gemini.baseUrl());
    assertThat(gemini.requests()).hasSize(1);
  }

  private static void assertNoKeyAnywhere(Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(KEY);
      assertThat(t.toString()).doesNotContain(KEY);
      if (t.getCause() == t) {
        break;
      }
    }
  }
}
