package dev.nexus.agent.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.nexus.core.conversation.ChatMessage;
import dev.nexus.core.conversation.ChatMessage.AssistantMessage;
import dev.nexus.core.conversation.ChatMessage.ToolResultMessage;
import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.model.ModelRequest;
import dev.nexus.core.model.ModelResponse;
import dev.nexus.core.model.TokenUsage;
import dev.nexus.core.tool.Parameter;
import dev.nexus.core.tool.ParameterType;
import dev.nexus.core.tool.ToolCall;
import dev.nexus.core.tool.ToolCallId;
import dev.nexus.core.tool.ToolSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Translates between Nexus's model port and LangChain4j's chat API: requests one way, responses the
 * other. Stateless.
 */
final class LangChain4jMapping {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

  private LangChain4jMapping() {}

  /** The whole request: system prompt first, then the messages, with the tools. */
  static ChatRequest toChatRequest(ModelRequest request, boolean oneCallPerTurn) {
    ChatRequest.Builder builder =
        ChatRequest.builder().messages(toMessages(request, oneCallPerTurn));
    if (!request.tools().isEmpty()) {
      builder.toolSpecifications(
          request.tools().stream().map(LangChain4jMapping::toSpecification).toList());
    }
    return builder.build();
  }

  /**
   * The messages in LangChain4j's terms. With {@code oneCallPerTurn}, an answer that asked for
   * several calls is replayed as one call followed by its result, then the next call and its
   * result, and so on: LangChain4j's Gemini client sends each result as a separate turn, and Gemini
   * refuses a turn of N calls that is not answered by one turn of N results.
   */
  static List<dev.langchain4j.data.message.ChatMessage> toMessages(
      ModelRequest request, boolean oneCallPerTurn) {
    List<dev.langchain4j.data.message.ChatMessage> messages = new ArrayList<>();
    if (!request.systemPrompt().isBlank()) {
      messages.add(SystemMessage.from(request.systemPrompt()));
    }
    List<ChatMessage> history = request.messages();
    for (int i = 0; i < history.size(); i++) {
      ChatMessage message = history.get(i);
      if (message instanceof ChatMessage.UserMessage user) {
        messages.add(UserMessage.from(user.text()));
      } else if (message instanceof AssistantMessage assistant) {
        if (oneCallPerTurn && assistant.toolCalls().size() > 1) {
          int end = i + 1;
          while (end < history.size() && history.get(end) instanceof ToolResultMessage) {
            end++;
          }
          interleave(assistant, history.subList(i + 1, end), messages);
          i = end - 1;
        } else {
          toAiMessage(assistant).ifPresent(messages::add);
        }
      } else if (message instanceof ToolResultMessage result) {
        messages.add(toResultMessage(result));
      }
    }
    return messages;
  }

  /** Each call of {@code assistant} followed by its result; results nobody asked for go last. */
  private static void interleave(
      AssistantMessage assistant,
      List<ChatMessage> results,
      List<dev.langchain4j.data.message.ChatMessage> messages) {
    List<ToolResultMessage> pending = new ArrayList<>();
    results.forEach(r -> pending.add((ToolResultMessage) r));
    boolean first = true;
    for (ToolCall call : assistant.toolCalls()) {
      String text = first ? assistant.text() : "";
      toAiMessage(new AssistantMessage(text, List.of(call))).ifPresent(messages::add);
      first = false;
      for (int j = 0; j < pending.size(); j++) {
        if (pending.get(j).callId().equals(call.id())) {
          messages.add(toResultMessage(pending.remove(j)));
          break;
        }
      }
    }
    pending.forEach(r -> messages.add(toResultMessage(r)));
  }

  private static ToolExecutionResultMessage toResultMessage(ToolResultMessage result) {
    return ToolExecutionResultMessage.builder()
        .id(result.callId().value())
        .toolName(result.toolName())
        .text(result.result().content())
        .isError(!result.result().isSuccess())
        .build();
  }

  /** An assistant message, or empty when it has neither text nor calls (providers refuse those). */
  private static Optional<AiMessage> toAiMessage(AssistantMessage assistant) {
    List<ToolExecutionRequest> requests =
        assistant.toolCalls().stream()
            .map(
                call ->
                    ToolExecutionRequest.builder()
                        .id(call.id().value())
                        .name(call.toolName())
                        .arguments(toJson(call.arguments()))
                        .build())
            .toList();
    String text = assistant.text().isBlank() ? null : assistant.text();
    if (text == null && requests.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(AiMessage.builder().text(text).toolExecutionRequests(requests).build());
  }

  /**
   * A tool as LangChain4j describes it: an object schema of typed properties with descriptions, the
   * required names, enumerations for strings with allowed values, and arrays of strings. Limits
   * LangChain4j's schema cannot carry (ranges, maximum lengths) are appended to the description,
   * since the guard enforces them anyway.
   */
  static ToolSpecification toSpecification(ToolSpec spec) {
    ToolSpecification.Builder builder =
        ToolSpecification.builder().name(spec.name()).description(spec.description());
    List<Parameter> parameters = spec.parameters().parameters();
    if (!parameters.isEmpty()) {
      JsonObjectSchema.Builder schema = JsonObjectSchema.builder();
      List<String> required = new ArrayList<>();
      for (Parameter parameter : parameters) {
        schema.addProperty(parameter.name(), toSchema(parameter));
        if (parameter.required()) {
          required.add(parameter.name());
        }
      }
      builder.parameters(schema.required(required).build());
    }
    return builder.build();
  }

  private static JsonSchemaElement toSchema(Parameter parameter) {
    String description = describe(parameter);
    return switch (parameter.type()) {
      case STRING ->
          parameter.allowed().isEmpty()
              ? JsonStringSchema.builder().description(description).build()
              : JsonEnumSchema.builder()
                  .description(description)
                  .enumValues(parameter.allowed())
                  .build();
      case INTEGER -> JsonIntegerSchema.builder().description(description).build();
      case NUMBER -> JsonNumberSchema.builder().description(description).build();
      case BOOLEAN -> JsonBooleanSchema.builder().description(description).build();
      case STRING_ARRAY ->
          JsonArraySchema.builder().description(description).items(new JsonStringSchema()).build();
    };
  }

  private static String describe(Parameter parameter) {
    StringBuilder description = new StringBuilder(parameter.description());
    if (parameter.minimum() != null && parameter.maximum() != null) {
      description
          .append(" (")
          .append(parameter.minimum())
          .append(" to ")
          .append(parameter.maximum())
          .append(')');
    } else if (parameter.minimum() != null) {
      description.append(" (at least ").append(parameter.minimum()).append(')');
    } else if (parameter.maximum() != null) {
      description.append(" (at most ").append(parameter.maximum()).append(')');
    }
    if (parameter.maxLength() != null) {
      description
          .append(" (at most ")
          .append(parameter.maxLength())
          .append(parameter.type() == ParameterType.STRING_ARRAY ? " items)" : " characters)");
    }
    return description.toString();
  }

  /**
   * The model's answer as a Nexus response. A tool call keeps the model's id when it has a valid,
   * unused one; otherwise (Gemini usually sends none) it gets a new unique id.
   */
  static ModelResponse toModelResponse(ChatResponse response, String provider) {
    AiMessage message = response.aiMessage();
    String text = message == null || message.text() == null ? "" : message.text();
    List<ToolCall> calls = new ArrayList<>();
    if (message != null && message.hasToolExecutionRequests()) {
      Set<String> used = new HashSet<>();
      for (ToolExecutionRequest request : message.toolExecutionRequests()) {
        ToolCallId id = idFor(request.id(), used);
        used.add(id.value());
        calls.add(new ToolCall(id, request.name(), parseArguments(request, provider)));
      }
    }
    if (text.isEmpty()
        && calls.isEmpty()
        && response.finishReason() == FinishReason.CONTENT_FILTER) {
      throw new ModelCallException(
          ModelCallException.Reason.CONTENT_FILTERED,
          provider + " declined to answer this request because of its content filter.",
          null);
    }
    return new ModelResponse(text, calls, toUsage(response.tokenUsage()));
  }

  private static ToolCallId idFor(String modelId, Set<String> used) {
    if (modelId != null && !modelId.isBlank() && !used.contains(modelId)) {
      try {
        return new ToolCallId(modelId);
      } catch (InvalidInputException e) {
        // Not usable as a Nexus id (length or characters): fall through to a fresh one.
      }
    }
    return ToolCallId.random();
  }

  private static Map<String, Object> parseArguments(ToolExecutionRequest request, String provider) {
    String arguments = request.arguments();
    if (arguments == null || arguments.isBlank()) {
      return Map.of();
    }
    try {
      Map<String, Object> parsed = JSON.readValue(arguments, MAP);
      return parsed == null ? Map.of() : parsed;
    } catch (JsonProcessingException e) {
      throw new ModelCallException(
          ModelCallException.Reason.INVALID_RESPONSE,
          provider + " asked for " + request.name() + " with arguments that are not a JSON object.",
          e);
    }
  }

  static TokenUsage toUsage(dev.langchain4j.model.output.TokenUsage usage) {
    if (usage == null) {
      return TokenUsage.NONE;
    }
    long input = usage.inputTokenCount() == null ? 0 : usage.inputTokenCount();
    long output = usage.outputTokenCount() == null ? 0 : usage.outputTokenCount();
    return new TokenUsage(input, output);
  }

  private static String toJson(Map<String, Object> arguments) {
    try {
      return JSON.writeValueAsString(arguments);
    } catch (JsonProcessingException e) {
      // ToolCall arguments are plain JSON values, so this cannot happen; say so if it does.
      throw new IllegalStateException("tool call arguments could not be written as JSON", e);
    }
  }
}
