package dev.nexus.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.nexus.core.authorization.Capability;
import dev.nexus.core.conversation.ChatMessage;
import dev.nexus.core.conversation.ChatMessage.AssistantMessage;
import dev.nexus.core.conversation.ChatMessage.ToolResultMessage;
import dev.nexus.core.conversation.ChatMessage.UserMessage;
import dev.nexus.core.error.NexusException;
import dev.nexus.core.error.RetriableException;
import dev.nexus.core.model.LanguageModel;
import dev.nexus.core.model.ModelRequest;
import dev.nexus.core.model.ModelResponse;
import dev.nexus.core.tool.Parameter;
import dev.nexus.core.tool.ParameterSchema;
import dev.nexus.core.tool.RiskClass;
import dev.nexus.core.tool.ToolCall;
import dev.nexus.core.tool.ToolCallId;
import dev.nexus.core.tool.ToolResult;
import dev.nexus.core.tool.ToolSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LanguageModel} must do for the agent runtime: stream text deltas that have all
 * arrived when the answer is returned and add up to its text, return the tool calls the model asked
 * for with their names, typed arguments and distinct ids, and report a failure as one of the core's
 * {@link NexusException}s (retriable for an outage), never as a vendor's type.
 *
 * <p>An adapter's test prepares the model's next answer in each factory method (a scripted step, a
 * reply queued on a fake server) and returns the model that will give it. Each test calls the
 * returned model once.
 */
public abstract class LanguageModelContract {

  /** A tool call the model is to answer with: a tool name and its arguments as JSON values. */
  public record PlannedCall(String toolName, Map<String, Object> arguments) {
    public PlannedCall {
      Objects.requireNonNull(toolName, "toolName");
      arguments = Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }
  }

  /** A write tool with a list, a string and an integer parameter. */
  protected static final ToolSpec SEND =
      new ToolSpec(
          "mail_send",
          "Sends an email.",
          ParameterSchema.of(
              Parameter.stringArray("to", "Recipients", true),
              Parameter.requiredString("body", "Plain-text body"),
              Parameter.integer("priority", "Priority", false, 1, 5)),
          Capability.SEND_MAIL,
          RiskClass.WRITE);

  /** A read tool with one string parameter. */
  protected static final ToolSpec SEARCH =
      new ToolSpec(
          "notes_search",
          "Searches notes.",
          ParameterSchema.of(Parameter.requiredString("query", "Words to find")),
          Capability.READ_NOTION,
          RiskClass.READ);

  /** The model, its next answer being text that the vendor sends in {@code pieces}. */
  protected abstract LanguageModel answeringText(List<String> pieces);

  /**
   * The model, its next answer being {@code text} (empty for none) followed by {@code calls}, in
   * this order.
   */
  protected abstract LanguageModel answeringToolCalls(String text, List<PlannedCall> calls);

  /** The model, its next call failing as the vendor signals an outage or overload. */
  protected abstract LanguageModel unavailable();

  /** The model, its next call refused for good by the vendor (a bad key, an invalid request). */
  protected abstract LanguageModel refusing();

  @Test
  void text_deltasHaveArrivedWhenTheAnswerReturns_andAddUpToItsText() {
    LanguageModel model = answeringText(List.of("You have ", "three ", "new emails."));
    List<String> deltas = Collections.synchronizedList(new ArrayList<>());

    ModelResponse response = model.generate(ask("Anything new?"), deltas::add);
    String streamedBeforeReturn = String.join("", List.copyOf(deltas));

    assertThat(response.text()).isEqualTo("You have three new emails.");
    assertThat(streamedBeforeReturn).isEqualTo(response.text());
    assertThat(deltas).isNotEmpty().allSatisfy(delta -> assertThat(delta).isNotEmpty());
    assertThat(response.toolCalls()).isEmpty();
  }

  @Test
  void toolCalls_comeBackInOrderWithTheirNamesArgumentsAndDistinctIds() {
    LanguageModel model =
        answeringToolCalls(
            "",
            List.of(
                new PlannedCall(
                    "mail_send",
                    Map.of("to", List.of("ana@acme.test"), "body", "Hello", "priority", 2)),
                new PlannedCall("notes_search", Map.of("query", "roadmap"))));
    List<String> deltas = Collections.synchronizedList(new ArrayList<>());

    ModelResponse response = model.generate(ask("Send it and search", SEND, SEARCH), deltas::add);

    assertThat(response.toolCalls())
        .extracting(ToolCall::toolName)
        .containsExactly("mail_send", "notes_search");
    ToolCall send = response.toolCalls().get(0);
    assertThat(send.args().stringList("to")).containsExactly("ana@acme.test");
    assertThat(send.args().string("body")).isEqualTo("Hello");
    assertThat(send.args().integer("priority")).isEqualTo(2);
    assertThat(send.arguments()).containsOnlyKeys("to", "body", "priority");
    ToolCall search = response.toolCalls().get(1);
    assertThat(search.args().string("query")).isEqualTo("roadmap");
    assertThat(search.arguments()).containsOnlyKeys("query");
    assertThat(response.toolCalls())
        .extracting(call -> call.id().value())
        .doesNotHaveDuplicates()
        .allSatisfy(id -> assertThat(id).isNotBlank());
    assertThat(response.text()).isEmpty();
    assertThat(String.join("", deltas)).isEmpty();
  }

  @Test
  void textAndToolCall_comeBackTogether() {
    LanguageModel model =
        answeringToolCalls(
            "Let me look. ", List.of(new PlannedCall("notes_search", Map.of("query", "plans"))));
    List<String> deltas = Collections.synchronizedList(new ArrayList<>());

    ModelResponse response = model.generate(ask("Find the plans", SEARCH), deltas::add);

    assertThat(response.text()).isEqualTo("Let me look. ");
    assertThat(String.join("", List.copyOf(deltas))).isEqualTo(response.text());
    assertThat(response.toolCalls())
        .singleElement()
        .satisfies(
            call -> {
              assertThat(call.toolName()).isEqualTo("notes_search");
              assertThat(call.args().string("query")).isEqualTo("plans");
            });
  }

  @Test
  void history_withAToolCallAndItsResult_isAnsweredAgain() {
    LanguageModel model = answeringText(List.of("Two notes ", "match."));
    ToolCall call = new ToolCall(new ToolCallId("call-7"), "notes_search", Map.of("query", "x"));
    List<ChatMessage> history =
        List.of(
            new UserMessage("Search my notes"),
            new AssistantMessage("", List.of(call)),
            new ToolResultMessage(call.id(), call.toolName(), ToolResult.success("2 notes")));

    ModelResponse response =
        model.generate(new ModelRequest("You are careful.", history, List.of(SEARCH)), d -> {});

    assertThat(response.text()).isEqualTo("Two notes match.");
    assertThat(response.toolCalls()).isEmpty();
  }

  @Test
  void outage_isARetriableExceptionOfTheCore() {
    LanguageModel model = unavailable();

    Throwable thrown = catchThrowable(() -> model.generate(ask("Hi"), d -> {}));

    assertThat(thrown).isInstanceOf(RetriableException.class);
    assertCoreType(thrown);
  }

  @Test
  void refusal_isANonRetriableExceptionOfTheCore() {
    LanguageModel model = refusing();

    Throwable thrown = catchThrowable(() -> model.generate(ask("Hi"), d -> {}));

    assertThat(thrown).isInstanceOf(NexusException.class);
    assertThat(((NexusException) thrown).retriable()).isFalse();
    assertCoreType(thrown);
  }

  @Test
  void failingDeltaConsumer_stopsTheCallWithItsOwnException() {
    LanguageModel model = answeringText(List.of("one ", "two"));
    IllegalStateException gone = new IllegalStateException("the client went away");

    Throwable thrown =
        catchThrowable(
            () ->
                model.generate(
                    ask("Hi"),
                    delta -> {
                      throw gone;
                    }));

    assertThat(thrown).isSameAs(gone);
  }

  private static ModelRequest ask(String text, ToolSpec... tools) {
    return new ModelRequest("You are careful.", List.of(new UserMessage(text)), List.of(tools));
  }

  /** The type is Nexus's own; a vendor's exception may only travel as its cause. */
  private static void assertCoreType(Throwable thrown) {
    assertThat(thrown.getClass().getName()).startsWith("dev.nexus.");
    assertThat(thrown.getMessage()).isNotBlank();
  }
}
