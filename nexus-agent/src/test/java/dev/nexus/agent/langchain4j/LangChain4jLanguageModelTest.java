package dev.nexus.agent.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.core.JsonParseException;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.exception.ContentFilteredException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.nexus.core.authorization.Capability;
import dev.nexus.core.conversation.ChatMessage.AssistantMessage;
import dev.nexus.core.conversation.ChatMessage.ToolResultMessage;
import dev.nexus.core.conversation.ChatMessage.UserMessage;
import dev.nexus.core.error.RetriableException;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The adapter over hand-written LangChain4j models (any provider looks like this to it): what it
 * sends, how it reads answers, and how failures are mapped.
 */
class LangChain4jLanguageModelTest {

  private final List<ChatRequest> seen = new ArrayList<>();
  private final List<String> deltas = new ArrayList<>();

  /** A blocking model answering with {@code answer} and recording each request. */
  private ChatModel chatModel(Function<ChatRequest, ChatResponse> answer) {
    return new ChatModel() {
      @Override
      public ChatResponse doChat(ChatRequest request) {
        seen.add(request);
        return answer.apply(request);
      }
    };
  }

  private static ChatResponse reply(AiMessage message) {
    return ChatResponse.builder()
        .aiMessage(message)
        .tokenUsage(new dev.langchain4j.model.output.TokenUsage(7, 3))
        .build();
  }

  private static final ToolSpec SEND =
      new ToolSpec(
          "gmail_send",
          "Sends an email.",
          ParameterSchema.of(
              Parameter.stringArray("to", "Recipients", true).withMaxLength(20),
              Parameter.requiredString("body", "Body").withMaxLength(5000),
              Parameter.integer("priority", "Priority", false, 1, 5),
              Parameter.enumeration("format", "Format", false, List.of("text", "html"))),
          Capability.SEND_MAIL,
          RiskClass.WRITE);

  private static final ToolSpec NO_PARAMETERS =
      new ToolSpec(
          "notion_whoami",
          "Says who.",
          ParameterSchema.of(),
          Capability.READ_NOTION,
          RiskClass.READ);

  @Test
  void request_putsTheSystemPromptFirst_andMapsEveryMessageKind() {
    LangChain4jLanguageModel model =
        new LangChain4jLanguageModel(chatModel(r -> reply(AiMessage.from("ok"))));
    ToolCall call =
        new ToolCall(new ToolCallId("call-1"), "gmail_send", Map.of("to", List.of("a@b.test")));
    ModelRequest request =
        new ModelRequest(
            "Be careful.",
            List.of(
                new UserMessage("Send it"),
                new AssistantMessage("Sending.", List.of(call)),
                new ToolResultMessage(
                    call.id(), "gmail_send", ToolResult.error("declined by the person")),
                new AssistantMessage("", List.of()),
                new UserMessage("Thanks")),
            List.of(SEND));

    model.generate(request, deltas::add);

    List<dev.langchain4j.data.message.ChatMessage> sent = seen.get(0).messages();
    assertThat(sent).hasSize(5);
    assertThat(((SystemMessage) sent.get(0)).text()).isEqualTo("Be careful.");
    assertThat(((dev.langchain4j.data.message.UserMessage) sent.get(1)).singleText())
        .isEqualTo("Send it");
    AiMessage ai = (AiMessage) sent.get(2);
    assertThat(ai.text()).isEqualTo("Sending.");
    ToolExecutionRequest requested = ai.toolExecutionRequests().get(0);
    assertThat(requested.id()).isEqualTo("call-1");
    assertThat(requested.name()).isEqualTo("gmail_send");
    assertThat(requested.arguments()).isEqualTo("{\"to\":[\"a@b.test\"]}");
    ToolExecutionResultMessage result = (ToolExecutionResultMessage) sent.get(3);
    assertThat(result.id()).isEqualTo("call-1");
    assertThat(result.toolName()).isEqualTo("gmail_send");
    assertThat(result.text()).isEqualTo("declined by the person");
    assertThat(result.isError()).isTrue();
    assertThat(((dev.langchain4j.data.message.UserMessage) sent.get(4)).singleText())
        .isEqualTo("Thanks");
  }

  @Test
  void oneCallPerTurn_interleavesCallsWithTheirResults_andKeepsOtherProvidersUnchanged() {
    ToolCall a = new ToolCall(new ToolCallId("call-a"), "gmail_send", Map.of());
    ToolCall b = new ToolCall(new ToolCallId("call-b"), "gmail_send", Map.of());
    ModelRequest request =
        new ModelRequest(
            "",
            List.of(
                new UserMessage("Two"),
                new AssistantMessage("Two calls.", List.of(a, b)),
                new ToolResultMessage(b.id(), "gmail_send", ToolResult.success("B")),
                new ToolResultMessage(a.id(), "gmail_send", ToolResult.success("A")),
                new UserMessage("Next")),
            List.of());

    List<dev.langchain4j.data.message.ChatMessage> plain =
        LangChain4jMapping.toMessages(request, false);
    List<dev.langchain4j.data.message.ChatMessage> paired =
        LangChain4jMapping.toMessages(request, true);

    assertThat(plain)
        .extracting(m -> m.type().name())
        .containsExactly("USER", "AI", "TOOL_EXECUTION_RESULT", "TOOL_EXECUTION_RESULT", "USER");
    assertThat(paired)
        .extracting(m -> m.type().name())
        .containsExactly(
            "USER", "AI", "TOOL_EXECUTION_RESULT", "AI", "TOOL_EXECUTION_RESULT", "USER");
    assertThat(((AiMessage) paired.get(1)).text()).isEqualTo("Two calls.");
    assertThat(((AiMessage) paired.get(1)).toolExecutionRequests().get(0).id()).isEqualTo("call-a");
    assertThat(((ToolExecutionResultMessage) paired.get(2)).text()).isEqualTo("A");
    assertThat(((AiMessage) paired.get(3)).text()).isNull();
    assertThat(((ToolExecutionResultMessage) paired.get(4)).text()).isEqualTo("B");
  }

  @Test
  void request_withBlankSystemPrompt_sendsNoSystemMessage() {
    LangChain4jLanguageModel model =
        new LangChain4jLanguageModel(chatModel(r -> reply(AiMessage.from("ok"))));

    model.generate(new ModelRequest(" ", List.of(new UserMessage("Hi")), List.of()), deltas::add);

    assertThat(seen.get(0).messages()).hasSize(1);
    assertThat(seen.get(0).toolSpecifications()).isNullOrEmpty();
  }

  @Test
  void toolSpec_becomesAnObjectSchemaWithTypesDescriptionsRequiredAndEnums() {
    ToolSpecification spec = LangChain4jMapping.toSpecification(SEND);

    assertThat(spec.name()).isEqualTo("gmail_send");
    assertThat(spec.description()).isEqualTo("Sends an email.");
    JsonObjectSchema schema = spec.parameters();
    assertThat(schema.required()).containsExactly("to", "body");
    assertThat(schema.properties()).containsOnlyKeys("to", "body", "priority", "format");
    JsonArraySchema to = (JsonArraySchema) schema.properties().get("to");
    assertThat(to.items()).isInstanceOf(JsonStringSchema.class);
    assertThat(to.description()).isEqualTo("Recipients (at most 20 items)");
    assertThat(((JsonStringSchema) schema.properties().get("body")).description())
        .isEqualTo("Body (at most 5000 characters)");
    assertThat(((JsonIntegerSchema) schema.properties().get("priority")).description())
        .isEqualTo("Priority (1 to 5)");
    assertThat(((JsonEnumSchema) schema.properties().get("format")).enumValues())
        .containsExactly("text", "html");
  }

  @Test
  void toolSpec_withoutParameters_hasNoSchema() {
    assertThat(LangChain4jMapping.toSpecification(NO_PARAMETERS).parameters()).isNull();
  }

  @Test
  void response_textToolCallsAndUsage_areMapped_andTextArrivesAsOneDelta() {
    LangChain4jLanguageModel model =
        new LangChain4jLanguageModel(
            chatModel(
                r ->
                    reply(
                        AiMessage.from(
                            "Let me look.",
                            List.of(
                                ToolExecutionRequest.builder()
                                    .id("tc-9")
                                    .name("gmail_send")
                                    .arguments("{\"to\":[\"x@y.test\"],\"priority\":2}")
                                    .build())))));

    ModelResponse response =
        model.generate(
            new ModelRequest("", List.of(new UserMessage("Hi")), List.of(SEND)), deltas::add);

    assertThat(response.text()).isEqualTo("Let me look.");
    assertThat(deltas).containsExactly("Let me look.");
    assertThat(response.usage()).isEqualTo(new TokenUsage(7, 3));
    ToolCall call = response.toolCalls().get(0);
    assertThat(call.id().value()).isEqualTo("tc-9");
    assertThat(call.args().stringList("to")).containsExactly("x@y.test");
    assertThat(call.args().integer("priority")).isEqualTo(2);
  }

  @Test
  void response_missingDuplicateOrUnusableIds_getFreshUniqueIds() {
    LangChain4jLanguageModel model =
        new LangChain4jLanguageModel(
            chatModel(
                r ->
                    reply(
                        AiMessage.from(
                            List.of(
                                request(null, "a"),
                                request("same", "b"),
                                request("same", "c"),
                                request("has space", "d"))))));

    ModelResponse response =
        model.generate(
            new ModelRequest("", List.of(new UserMessage("Hi")), List.of()), deltas::add);

    List<String> ids = response.toolCalls().stream().map(c -> c.id().value()).toList();
    assertThat(ids).doesNotHaveDuplicates().hasSize(4);
    assertThat(ids.get(1)).isEqualTo("same");
    assertThat(ids.get(0)).startsWith("call-");
    assertThat(ids.get(2)).startsWith("call-");
    assertThat(ids.get(3)).startsWith("call-");
    assertThat(response.usage()).isEqualTo(new TokenUsage(7, 3));
  }

  private static ToolExecutionRequest request(String id, String name) {
    return ToolExecutionRequest.builder().id(id).name(name).arguments("{}").build();
  }

  @Test
  void response_withArgumentsThatAreNotAnObject_isAnInvalidResponse() {
    LangChain4jLanguageModel model =
        new LangChain4jLanguageModel(
            chatModel(
                r ->
                    reply(
                        AiMessage.from(
                            List.of(
                                ToolExecutionRequest.builder()
                                    .name("gmail_send")
                                    .arguments("[1, 2")
                                    .build())))));

    Throwable thrown =
        catchThrowable(
            () ->
                model.generate(
                    new ModelRequest("", List.of(new UserMessage("Hi")), List.of()), deltas::add));

    assertThat(thrown).isInstanceOf(ModelCallException.class);
    assertThat(((ModelCallException) thrown).reason())
        .isEqualTo(ModelCallException.Reason.INVALID_RESPONSE);
  }

  @Test
  void response_withoutUsageOrText_isEmptyWithZeroUsage() {
    LangChain4jLanguageModel model =
        new LangChain4jLanguageModel(
            chatModel(
                r ->
                    ChatResponse.builder()
                        .aiMessage(AiMessage.from(List.of(request("i", "x"))))
                        .build()));

    ModelResponse response =
        model.generate(
            new ModelRequest("", List.of(new UserMessage("Hi")), List.of()), deltas::add);

    assertThat(response.text()).isEmpty();
    assertThat(response.usage()).isEqualTo(TokenUsage.NONE);
    assertThat(deltas).isEmpty();
  }

  @Test
  void failures_withoutHttpStatus_areMappedByType() {
    LangChain4jLanguageModel limited =
        new LangChain4jLanguageModel(
            "Acme",
            chatModel(
                r -> {
                  throw new RateLimitException("slow down");
                }));
    LangChain4jLanguageModel filtered =
        new LangChain4jLanguageModel(
            "Acme",
            chatModel(
                r -> {
                  throw new ContentFilteredException("no");
                }));
    LangChain4jLanguageModel buggy =
        new LangChain4jLanguageModel(
            "Acme",
            chatModel(
                r -> {
                  throw new IllegalStateException("secret-ish internal detail");
                }));
    LangChain4jLanguageModel garbled =
        new LangChain4jLanguageModel(
            "Acme",
            chatModel(
                r -> {
                  throw new RuntimeException(new JsonParseException(null, "unexpected token"));
                }));
    ModelRequest request = new ModelRequest("", List.of(new UserMessage("Hi")), List.of());

    Throwable unreadable = catchThrowable(() -> garbled.generate(request, deltas::add));
    Throwable rate = catchThrowable(() -> limited.generate(request, deltas::add));
    Throwable content = catchThrowable(() -> filtered.generate(request, deltas::add));
    Throwable bug = catchThrowable(() -> buggy.generate(request, deltas::add));

    assertThat(rate).isInstanceOf(RetriableException.class).hasMessageStartingWith("Acme is rate");
    assertThat(((ModelCallException) content).reason())
        .isEqualTo(ModelCallException.Reason.CONTENT_FILTERED);
    assertThat(((ModelCallException) unreadable).reason())
        .isEqualTo(ModelCallException.Reason.INVALID_RESPONSE);
    assertThat(bug)
        .isInstanceOf(ModelCallException.class)
        .hasMessage("Acme failed unexpectedly (IllegalStateException).");
  }

  /** A streaming model that answers on its own thread, as real providers do. */
  private StreamingChatModel streamingModel(
      List<String> pieces, ChatResponse complete, Throwable error) {
    return new StreamingChatModel() {
      @Override
      public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        seen.add(request);
        new Thread(
                () -> {
                  pieces.forEach(handler::onPartialResponse);
                  if (error != null) {
                    handler.onError(error);
                  } else if (complete != null) {
                    handler.onCompleteResponse(complete);
                  }
                })
            .start();
      }
    };
  }

  @Test
  void streaming_forwardsPiecesInOrderOnTheCallingThread_andBlocksUntilComplete() {
    LangChain4jLanguageModel model =
        new LangChain4jLanguageModel(
            "Acme",
            streamingModel(List.of("Hel", "lo", "!"), reply(AiMessage.from("Hello!")), null));

    List<Thread> threads = new ArrayList<>();

    ModelResponse response =
        model.generate(
            new ModelRequest("", List.of(new UserMessage("Hi")), List.of()),
            delta -> {
              threads.add(Thread.currentThread());
              deltas.add(delta);
            });

    assertThat(threads).containsOnly(Thread.currentThread());
    assertThat(model.isStreaming()).isTrue();
    assertThat(deltas).containsExactly("Hel", "lo", "!");
    assertThat(response.text()).isEqualTo("Hello!");
    assertThat(response.usage()).isEqualTo(new TokenUsage(7, 3));
  }

  @Test
  void streaming_errorAfterSomeText_isMappedAndThrown() {
    LangChain4jLanguageModel model =
        new LangChain4jLanguageModel(
            "Acme", streamingModel(List.of("Hel"), null, new RateLimitException("quota")));

    Throwable thrown =
        catchThrowable(
            () ->
                model.generate(
                    new ModelRequest("", List.of(new UserMessage("Hi")), List.of()), deltas::add));

    assertThat(deltas).containsExactly("Hel");
    assertThat(thrown).isInstanceOf(RetriableException.class);
  }

  @Test
  void streaming_thatNeverCompletes_givesUpAfterTheCompletionTimeout() {
    LangChain4jLanguageModel model =
        new LangChain4jLanguageModel("Acme", streamingModel(List.of("Hel"), null, null))
            .withCompletionTimeout(Duration.ofMillis(100));

    Throwable thrown =
        catchThrowable(
            () ->
                model.generate(
                    new ModelRequest("", List.of(new UserMessage("Hi")), List.of()), deltas::add));

    assertThat(thrown)
        .isInstanceOf(RetriableException.class)
        .hasMessage("Acme did not finish answering in time; try again shortly.");
  }

  @Test
  void toString_namesTheProviderOnly() {
    assertThat(new LangChain4jLanguageModel("Acme", chatModel(r -> null)).toString())
        .isEqualTo("LangChain4jLanguageModel[Acme]");
  }
}
