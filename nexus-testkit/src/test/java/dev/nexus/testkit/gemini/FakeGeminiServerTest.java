package dev.nexus.testkit.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nexus.testkit.gemini.GeminiReply.FunctionCall;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fake's wire shapes, checked with the JDK HTTP client (which offers h2c on plain http). */
class FakeGeminiServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REQUEST =
      "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi there\"}]}],"
          + "\"systemInstruction\":{\"parts\":[{\"text\":\"Be brief.\"}]},"
          + "\"tools\":[{\"functionDeclarations\":[{\"name\":\"gmail_search\","
          + "\"parameters\":{\"type\":\"OBJECT\"}}]}]}";

  private final FakeGeminiServer gemini = FakeGeminiServer.start();
  private final HttpClient client = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    gemini.close();
  }

  private HttpResponse<String> post(String pathAndQuery, String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(gemini.baseUrl() + pathAndQuery))
            .header("x-goog-api-key", "test-key")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void baseUrl_isLoopbackWithTheApiVersion() {
    assertThat(gemini.baseUrl()).matches("http://127\\.0\\.0\\.1:\\d+/v1beta");
  }

  @Test
  void generateContent_answersGeminisResponseShape_overTheJdkClientsH2cUpgrade() throws Exception {
    gemini.enqueue(GeminiReply.text("Hello ", "there.").withUsage(11, 3));

    HttpResponse<String> response = post("/models/gemini-2.5-flash:generateContent", REQUEST);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    JsonNode body = JSON.readTree(response.body());
    JsonNode candidate = body.path("candidates").get(0);
    assertThat(candidate.path("content").path("role").asText()).isEqualTo("model");
    assertThat(candidate.path("content").path("parts").get(0).path("text").asText())
        .isEqualTo("Hello there.");
    assertThat(candidate.path("finishReason").asText()).isEqualTo("STOP");
    assertThat(body.path("usageMetadata").path("promptTokenCount").asInt()).isEqualTo(11);
    assertThat(body.path("usageMetadata").path("candidatesTokenCount").asInt()).isEqualTo(3);
    assertThat(body.path("usageMetadata").path("totalTokenCount").asInt()).isEqualTo(14);
    assertThat(gemini.lastRequest().header("upgrade")).isEqualTo("h2c");
  }

  @Test
  void generateContent_functionCalls_haveNameArgsAndOnlyTheIdsGiven() throws Exception {
    gemini.enqueue(
        GeminiReply.functionCalls(
            FunctionCall.of("gmail_search", Map.of("query", "invoice")),
            FunctionCall.withId("fc-1", "notion_search", Map.of("query", "plans"))));

    JsonNode parts =
        JSON.readTree(post("/models/m:generateContent", REQUEST).body())
            .path("candidates")
            .get(0)
            .path("content")
            .path("parts");

    assertThat(parts).hasSize(2);
    assertThat(parts.get(0).path("functionCall").path("name").asText()).isEqualTo("gmail_search");
    assertThat(parts.get(0).path("functionCall").path("args").path("query").asText())
        .isEqualTo("invoice");
    assertThat(parts.get(0).path("functionCall").has("id")).isFalse();
    assertThat(parts.get(1).path("functionCall").path("id").asText()).isEqualTo("fc-1");
  }

  @Test
  void streamGenerateContent_sendsOneDataEventPerChunk_withCumulativeUsage_andNoEndMarker()
      throws Exception {
    gemini.enqueue(GeminiReply.text("One ", "two ", "three.").withUsage(20, 6));

    HttpResponse<String> response =
        post("/models/gemini-2.5-flash:streamGenerateContent?alt=sse", REQUEST);

    assertThat(response.headers().firstValue("Content-Type")).contains("text/event-stream");
    List<JsonNode> events = new ArrayList<>();
    for (String block : response.body().split("\n\n")) {
      assertThat(block).startsWith("data: ");
      events.add(JSON.readTree(block.substring("data: ".length())));
    }
    assertThat(events).hasSize(3);
    assertThat(events)
        .extracting(e -> e.path("candidates").get(0).path("content").path("parts").get(0))
        .extracting(p -> p.path("text").asText())
        .containsExactly("One ", "two ", "three.");
    assertThat(events.get(0).path("candidates").get(0).has("finishReason")).isFalse();
    assertThat(events.get(2).path("candidates").get(0).path("finishReason").asText())
        .isEqualTo("STOP");
    assertThat(events)
        .extracting(e -> e.path("usageMetadata").path("candidatesTokenCount").asInt())
        .isSorted()
        .endsWith(6);
    assertThat(response.body()).doesNotContain("[DONE]");
    assertThat(gemini.lastRequest().streaming()).isTrue();
    assertThat(gemini.lastRequest().query()).isEqualTo("alt=sse");
  }

  @Test
  void errors_useGeminisErrorBody() throws Exception {
    gemini.enqueueError(429).enqueueError(500).enqueueError(400);

    HttpResponse<String> limited = post("/models/m:generateContent", REQUEST);
    HttpResponse<String> broken = post("/models/m:streamGenerateContent?alt=sse", REQUEST);
    HttpResponse<String> invalid = post("/models/m:generateContent", REQUEST);

    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(JSON.readTree(limited.body()).path("error").path("status").asText())
        .isEqualTo("RESOURCE_EXHAUSTED");
    assertThat(broken.statusCode()).isEqualTo(500);
    assertThat(JSON.readTree(broken.body()).path("error").path("code").asInt()).isEqualTo(500);
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(invalid.body()).path("error").path("status").asText())
        .isEqualTo("INVALID_ARGUMENT");
  }

  @Test
  void requireApiKey_refusesOtherKeysLikeGemini_withoutUsingTheScript() throws Exception {
    gemini.requireApiKey("another-key").enqueueText("kept");

    HttpResponse<String> response = post("/models/m:generateContent", REQUEST);

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode error = JSON.readTree(response.body()).path("error");
    assertThat(error.path("details").get(0).path("reason").asText()).isEqualTo("API_KEY_INVALID");
    assertThat(response.body()).doesNotContain("test-key");
    assertThat(gemini.remainingReplies()).isEqualTo(1);
  }

  @Test
  void requests_areRecordedWithHeadersAndParsedBody() throws Exception {
    gemini.enqueueText("ok");

    post("/models/gemini-2.5-pro:generateContent", REQUEST);

    RecordedGeminiRequest request = gemini.lastRequest();
    assertThat(request.model()).isEqualTo("gemini-2.5-pro");
    assertThat(request.apiKey()).isEqualTo("test-key");
    assertThat(request.declaredFunctionNames()).containsExactly("gmail_search");
    assertThat(request.systemInstruction()).contains("Be brief.");
    assertThat(request.lastUserText()).contains("Hi there");
  }

  @Test
  void emptyScript_answersTheFallback_500ByDefault() throws Exception {
    HttpResponse<String> strict = post("/models/m:generateContent", REQUEST);
    gemini.fallback(GeminiReply.text("canned"));
    HttpResponse<String> canned = post("/models/m:generateContent", REQUEST);

    assertThat(strict.statusCode()).isEqualTo(500);
    assertThat(strict.body()).contains("no scripted reply");
    assertThat(canned.statusCode()).isEqualTo(200);
    assertThat(canned.body()).contains("canned");
  }

  @Test
  void unknownPathsAndBadJson_areRefused() throws Exception {
    gemini.enqueueText("unused");

    HttpResponse<String> unknown = post("/files", REQUEST);
    HttpResponse<String> badJson = post("/models/m:generateContent", "{not json");

    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(badJson.statusCode()).isEqualTo(400);
    assertThat(gemini.remainingReplies()).isEqualTo(1);
  }

  @Test
  void functionResponsesSplitAcrossTurns_areRefusedLikeGemini() throws Exception {
    gemini.enqueueText("unused");
    String split =
        "{\"contents\":["
            + "{\"role\":\"user\",\"parts\":[{\"text\":\"Both\"}]},"
            + "{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"name\":\"a\",\"args\":{}}},"
            + "{\"functionCall\":{\"name\":\"b\",\"args\":{}}}]},"
            + "{\"role\":\"user\",\"parts\":[{\"functionResponse\":{\"name\":\"a\",\"response\":{}}}]},"
            + "{\"role\":\"user\",\"parts\":[{\"functionResponse\":{\"name\":\"b\",\"response\":{}}}]}"
            + "]}";

    HttpResponse<String> response = post("/models/m:generateContent", split);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("number of function response parts");
    assertThat(gemini.remainingReplies()).isEqualTo(1);
  }

  @Test
  void faults_garbleTheBodyOrDropTheConnection() throws Exception {
    gemini.enqueue(GeminiReply.garbled()).enqueue(GeminiReply.disconnect());

    HttpResponse<String> garbled = post("/models/m:generateContent", REQUEST);
    Throwable dropped = catchThrowable(() -> post("/models/m:generateContent", REQUEST));

    assertThat(garbled.statusCode()).isEqualTo(200);
    assertThatThrownBy(() -> JSON.readTree(garbled.body())).isInstanceOf(IOException.class);
    assertThat(dropped).isInstanceOf(IOException.class);
  }

  @Test
  void errorReplies_carryNoContent() {
    assertThatThrownBy(() -> GeminiReply.error(429).withUsage(1, 1))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> GeminiReply.error(200)).isInstanceOf(IllegalArgumentException.class);
  }
}
