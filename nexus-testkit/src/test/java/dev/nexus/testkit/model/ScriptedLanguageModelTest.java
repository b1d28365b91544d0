package dev.nexus.testkit.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.conversation.ChatMessage;
import dev.nexus.core.conversation.ChatMessage.ToolResultMessage;
import dev.nexus.core.conversation.ChatMessage.UserMessage;
import dev.nexus.core.error.ProviderException;
import dev.nexus.core.error.RetriableException;
import dev.nexus.core.model.LanguageModel;
import dev.nexus.core.model.ModelRequest;
import dev.nexus.core.model.ModelResponse;
import dev.nexus.core.tool.ToolCall;
import dev.nexus.core.tool.ToolCallId;
import dev.nexus.core.tool.ToolResult;
import dev.nexus.testkit.contract.LanguageModelContract;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The scripted model passes the language model contract, and replays its script as documented. */
class ScriptedLanguageModelTest extends LanguageModelContract {

  private static final ModelRequest HELLO =
      new ModelRequest("You are helpful.", List.of(new UserMessage("hello")), List.of());

  @Override
  protected LanguageModel answeringText(List<String> pieces) {
    return new ScriptedLanguageModel().thenText(String.join("", pieces));
  }

  @Override
  protected LanguageModel answeringToolCalls(String text, List<PlannedCall> calls) {
    ScriptedLanguageModel model = new ScriptedLanguageModel();
    List<ToolCall> planned =
        calls.stream().map(c -> model.call(c.toolName(), c.arguments())).toList();
    return model.thenTextAndToolCalls(text, planned);
  }

  @Override
  protected LanguageModel unavailable() {
    return new ScriptedLanguageModel()
        .thenFail(() -> new RetriableException("the model is overloaded"));
  }

  @Override
  protected LanguageModel refusing() {
    return new ScriptedLanguageModel()
        .thenFail(() -> new ProviderException("the model refused the request"));
  }

  @Test
  void generate_text_streamsSeveralDeltasThatAddUpToTheText() {
    ScriptedLanguageModel model = new ScriptedLanguageModel().thenText("Here is  your summary.");
    List<String> deltas = new ArrayList<>();

    ModelResponse response = model.generate(HELLO, deltas::add);

    assertThat(response.text()).isEqualTo("Here is  your summary.");
    assertThat(response.toolCalls()).isEmpty();
    assertThat(deltas).containsExactly("Here ", "is  ", "your ", "summary.");
    assertThat(String.join("", deltas)).isEqualTo(response.text());
  }

  @Test
  void generate_toolCall_answersWithNumberedCallsInScriptOrder() {
    ScriptedLanguageModel model =
        new ScriptedLanguageModel()
            .thenToolCall("gmail_search", Map.of("query", "invoices"))
            .thenToolCall("gmail_send", Map.of("to", List.of("bob@acme.test")));
    List<String> deltas = new ArrayList<>();

    ModelResponse first = model.generate(HELLO, deltas::add);
    ModelResponse second = model.generate(HELLO, deltas::add);

    assertThat(first.text()).isEmpty();
    assertThat(first.toolCalls())
        .containsExactly(
            new ToolCall(new ToolCallId("call-1"), "gmail_search", Map.of("query", "invoices")));
    assertThat(second.toolCalls())
        .containsExactly(
            new ToolCall(
                new ToolCallId("call-2"), "gmail_send", Map.of("to", List.of("bob@acme.test"))));
    assertThat(deltas).isEmpty();
  }

  @Test
  void generate_textAndSeveralToolCalls_returnsBoth() {
    ScriptedLanguageModel model = new ScriptedLanguageModel();
    ToolCall search = model.call("notion_search", Map.of("query", "roadmap"));
    ToolCall read = model.call("gmail_read", Map.of("id", "m-1"));
    model.thenTextAndToolCalls("Let me look.", List.of(search, read));
    List<String> deltas = new ArrayList<>();

    ModelResponse response = model.generate(HELLO, deltas::add);

    assertThat(response.text()).isEqualTo("Let me look.");
    assertThat(response.toolCalls()).containsExactly(search, read);
    assertThat(String.join("", deltas)).isEqualTo("Let me look.");
  }

  @Test
  void generate_functionStep_seesTheRequest() {
    ScriptedLanguageModel model =
        new ScriptedLanguageModel()
            .then(
                request -> {
                  ChatMessage last = request.messages().get(request.messages().size() - 1);
                  return ModelResponse.text(
                      "The tool said: " + ((ToolResultMessage) last).result().content());
                });
    ModelRequest withResult =
        new ModelRequest(
            "system",
            List.of(
                new UserMessage("search"),
                new ToolResultMessage(
                    new ToolCallId("call-1"), "notion_search", ToolResult.success("3 pages"))),
            List.of());

    ModelResponse response = model.generate(withResult, delta -> {});

    assertThat(response.text()).isEqualTo("The tool said: 3 pages");
  }

  @Test
  void generate_recordsEveryRequestInOrder() {
    ScriptedLanguageModel model = new ScriptedLanguageModel().thenText("one").thenText("two");
    ModelRequest second = new ModelRequest("other", List.of(new UserMessage("again")), List.of());

    model.generate(HELLO, delta -> {});
    model.generate(second, delta -> {});

    assertThat(model.requests()).containsExactly(HELLO, second);
    assertThat(model.lastRequest()).isEqualTo(second);
    assertThat(model.remaining()).isZero();
  }

  @Test
  void generate_pastTheEndOfTheScript_failsWithAClearError() {
    ScriptedLanguageModel model = new ScriptedLanguageModel().thenText("only answer");
    model.generate(HELLO, delta -> {});

    assertThatThrownBy(() -> model.generate(HELLO, delta -> {}))
        .isInstanceOf(ScriptExhaustedException.class)
        .hasMessageContaining("called 2 times")
        .hasMessageContaining("only 1 answers");
    assertThat(model.requests()).hasSize(2);
  }

  @Test
  void generate_failStep_throwsTheGivenException() {
    ScriptedLanguageModel model =
        new ScriptedLanguageModel()
            .thenFail(() -> new RetriableException("the model is overloaded"))
            .thenText("recovered");

    assertThatThrownBy(() -> model.generate(HELLO, delta -> {}))
        .isInstanceOf(RetriableException.class);
    assertThat(model.generate(HELLO, delta -> {}).text()).isEqualTo("recovered");
  }

  @Test
  void lastRequest_neverCalled_failsClearly() {
    assertThatThrownBy(() -> new ScriptedLanguageModel().lastRequest())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("never called");
  }

  @Test
  void generate_concurrentCallers_eachTakeADifferentStep() throws Exception {
    ScriptedLanguageModel model = new ScriptedLanguageModel();
    int calls = 50;
    for (int i = 0; i < calls; i++) {
      model.thenText("answer " + i);
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    Set<String> answers = Collections.synchronizedSet(new HashSet<>());

    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        futures.add(pool.submit(() -> answers.add(model.generate(HELLO, d -> {}).text())));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(answers).hasSize(calls);
    assertThat(model.requests()).hasSize(calls);
    assertThat(model.remaining()).isZero();
  }

  @Test
  void deltas_emptyText_hasNoPieces() {
    assertThat(ScriptedLanguageModel.deltas("")).isEmpty();
    assertThat(ScriptedLanguageModel.deltas(" lead")).containsExactly(" ", "lead");
  }
}
