package dev.nexus.bench.server;

import dev.nexus.core.conversation.ChatMessage;
import dev.nexus.core.model.LanguageModel;
import dev.nexus.core.model.ModelRequest;
import dev.nexus.core.model.ModelResponse;
import dev.nexus.core.tool.ToolCall;
import dev.nexus.core.tool.ToolCallId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The load driver's model: a zero-latency script, the same for every user and turn. When the newest
 * message is the user's it asks for {@code gmail_read_latest} with a count of 5; when it is that
 * call's result it answers a fixed text in four streamed pieces. Stateless apart from a call
 * counter for unique ids, so 100 users can share it without contention.
 */
final class ReadLatestScript implements LanguageModel {

  static final String TOOL = "gmail_read_latest";
  private static final List<String> ANSWER =
      List.of("Here are ", "your five ", "latest ", "emails.");

  private final AtomicLong calls = new AtomicLong();

  @Override
  public ModelResponse generate(ModelRequest request, Consumer<String> onTextDelta) {
    List<ChatMessage> messages = request.messages();
    ChatMessage last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
    if (last instanceof ChatMessage.ToolResultMessage) {
      ANSWER.forEach(onTextDelta);
      return ModelResponse.text(String.join("", ANSWER));
    }
    if (!(last instanceof ChatMessage.UserMessage)) {
      throw new IllegalStateException("the script expects the user's message or a tool result");
    }
    return ModelResponse.toolCalls(
        List.of(
            new ToolCall(
                new ToolCallId("bench-" + calls.incrementAndGet()), TOOL, Map.of("count", 5))));
  }
}
