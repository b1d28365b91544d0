package dev.nexus.testkit.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One request {@link FakeGeminiServer} received: the model named in the path, whether it was the
 * streaming endpoint, the query, the headers (names lower-case), the raw body and its parsed JSON
 * ({@code null} when the body was not a JSON object).
 */
public record RecordedGeminiRequest(
    String model,
    boolean streaming,
    String query,
    Map<String, List<String>> headers,
    String body,
    JsonNode json) {

  public RecordedGeminiRequest {
    headers = Map.copyOf(headers);
  }

  /** The first value of the header {@code name} (any case), or {@code null}. */
  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The API key as sent in the {@code x-goog-api-key} header, or {@code null}. */
  public String apiKey() {
    return header("x-goog-api-key");
  }

  /** The {@code contents} array (empty node when absent). */
  public JsonNode contents() {
    return json == null ? MissingNode.getInstance() : json.path("contents");
  }

  /** The text of the {@code systemInstruction}, or empty. */
  public Optional<String> systemInstruction() {
    if (json == null || !json.has("systemInstruction")) {
      return Optional.empty();
    }
    StringBuilder text = new StringBuilder();
    json.path("systemInstruction").path("parts").forEach(p -> text.append(p.path("text").asText()));
    return Optional.of(text.toString());
  }

  /** The names of the declared functions, in order. */
  public List<String> declaredFunctionNames() {
    List<String> names = new ArrayList<>();
    functionDeclarations().forEach(d -> names.add(d.path("name").asText()));
    return names;
  }

  /** The declaration of the function {@code name}, or empty. */
  public Optional<JsonNode> declaredFunction(String name) {
    return functionDeclarations().stream()
        .filter(d -> d.path("name").asText().equals(name))
        .findFirst();
  }

  /** Every {@code functionResponse} part of the contents, in order. */
  public List<JsonNode> functionResponses() {
    return partsWith("functionResponse");
  }

  /** Every {@code functionCall} part of the contents (the model's earlier calls), in order. */
  public List<JsonNode> functionCalls() {
    return partsWith("functionCall");
  }

  /** The text of the last content with role {@code user} that has text, or empty. */
  public Optional<String> lastUserText() {
    JsonNode contents = contents();
    for (int i = contents.size() - 1; i >= 0; i--) {
      JsonNode content = contents.get(i);
      if (!"user".equals(content.path("role").asText())) {
        continue;
      }
      StringBuilder text = new StringBuilder();
      content.path("parts").forEach(p -> text.append(p.path("text").asText("")));
      if (text.length() > 0) {
        return Optional.of(text.toString());
      }
    }
    return Optional.empty();
  }

  private List<JsonNode> functionDeclarations() {
    List<JsonNode> declarations = new ArrayList<>();
    if (json != null) {
      json.path("tools").forEach(t -> t.path("functionDeclarations").forEach(declarations::add));
    }
    return declarations;
  }

  private List<JsonNode> partsWith(String field) {
    List<JsonNode> found = new ArrayList<>();
    contents()
        .forEach(
            c ->
                c.path("parts")
                    .forEach(
                        p -> {
                          if (p.has(field)) {
                            found.add(p.get(field));
                          }
                        }));
    return found;
  }

  @Override
  public String toString() {
    return "RecordedGeminiRequest[" + model + (streaming ? ", streaming" : "") + "]";
  }
}
