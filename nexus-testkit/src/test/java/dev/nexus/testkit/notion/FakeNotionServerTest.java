package dev.nexus.testkit.notion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fake speaks Notion's wire format: headers, limits, pagination, errors and OAuth. */
class FakeNotionServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final FakeNotionServer server = FakeNotionServer.start();
  private final HttpClient http = HttpClient.newHttpClient();
  private final NotionWorkspace workspace = server.registerToken("token-a");
  private final NotionWorkspace.Seeded seeded = workspace.seed();

  @AfterEach
  void tearDown() {
    server.close();
  }

  @Test
  void requestWithoutNotionVersion_isRefusedWithMissingVersion() throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(uri("/v1/pages/" + seeded.handbookPageId()))
                .header("Authorization", "Bearer token-a")
                .GET());

    JsonNode body = JSON.readTree(response.body());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(body.path("object").asText()).isEqualTo("error");
    assertThat(body.path("status").asInt()).isEqualTo(400);
    assertThat(body.path("code").asText()).isEqualTo("missing_version");
    assertThat(body.path("request_id").asText()).isNotBlank();
  }

  @Test
  void unknownToken_isUnauthorized_andTokensSeeOnlyTheirOwnWorkspace() throws Exception {
    server.registerToken("token-b");

    HttpResponse<String> stranger = get("/v1/pages/" + seeded.handbookPageId(), "token-x");
    HttpResponse<String> otherWorkspace = get("/v1/pages/" + seeded.handbookPageId(), "token-b");

    assertThat(stranger.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(stranger.body()).path("code").asText()).isEqualTo("unauthorized");
    assertThat(otherWorkspace.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(otherWorkspace.body()).path("code").asText())
        .isEqualTo("object_not_found");
  }

  @Test
  void blockChildren_arePagedWithCursors() throws Exception {
    String path = "/v1/blocks/" + seeded.roadmapPageId() + "/children?page_size=100";

    JsonNode first = JSON.readTree(get(path, "token-a").body());
    JsonNode second =
        JSON.readTree(
            get(path + "&start_cursor=" + first.path("next_cursor").asText(), "token-a").body());
    JsonNode third =
        JSON.readTree(
            get(path + "&start_cursor=" + second.path("next_cursor").asText(), "token-a").body());

    assertThat(first.path("results").size()).isEqualTo(100);
    assertThat(first.path("has_more").asBoolean()).isTrue();
    assertThat(third.path("results").size()).isEqualTo(50);
    assertThat(third.path("has_more").asBoolean()).isFalse();
    assertThat(third.path("next_cursor").isNull()).isTrue();
    assertThat(get(path.replace("100", "101"), "token-a").statusCode()).isEqualTo(400);
  }

  @Test
  void richTextOver2000Characters_isAValidationError() throws Exception {
    String body =
        "{\"children\":[{\"paragraph\":{\"rich_text\":[{\"text\":{\"content\":\""
            + "x".repeat(2001)
            + "\"}}]}}]}";

    HttpResponse<String> response =
        patch("/v1/blocks/" + seeded.meetingNotesPageId() + "/children", body);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(response.body()).path("message").asText())
        .contains("body.children[0].paragraph.rich_text[0].text.content.length should be ≤ `2000`");
  }

  @Test
  void moreThan100Blocks_orNestingDeeperThanTwo_isAValidationError() throws Exception {
    StringBuilder many = new StringBuilder("{\"children\":[");
    for (int i = 0; i < 101; i++) {
      many.append(i == 0 ? "" : ",").append("{\"divider\":{}}");
    }
    many.append("]}");
    String deep =
        "{\"children\":[{\"bulleted_list_item\":{\"rich_text\":[],\"children\":["
            + "{\"bulleted_list_item\":{\"rich_text\":[],\"children\":["
            + "{\"bulleted_list_item\":{\"rich_text\":[],\"children\":["
            + "{\"paragraph\":{\"rich_text\":[]}}]}}]}}]}}]}";
    String target = "/v1/blocks/" + seeded.meetingNotesPageId() + "/children";

    HttpResponse<String> tooMany = patch(target, many.toString());
    HttpResponse<String> tooDeep = patch(target, deep);

    assertThat(tooMany.statusCode()).isEqualTo(400);
    assertThat(tooMany.body())
        .contains("body.children.length should be ≤ `100`, instead was `101`");
    assertThat(tooDeep.statusCode()).isEqualTo(400);
    assertThat(workspace.blockCount(seeded.meetingNotesPageId())).isEqualTo(5);
  }

  @Test
  void rateLimitFault_answers429WithRetryAfter_once() throws Exception {
    server.fail("GET", "/v1/pages/", Fault.rateLimited(7));

    HttpResponse<String> limited = get("/v1/pages/" + seeded.handbookPageId(), "token-a");
    HttpResponse<String> next = get("/v1/pages/" + seeded.handbookPageId(), "token-a");

    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).contains("7");
    assertThat(JSON.readTree(limited.body()).path("code").asText()).isEqualTo("rate_limited");
    assertThat(next.statusCode()).isEqualTo(200);
  }

  @Test
  void droppedConnection_endsTheExchangeWithoutAnAnswer() {
    server.fail(Fault.dropConnection());

    // A POST, because the JDK client silently repeats an idempotent GET once on a dropped line.
    assertThatThrownBy(() -> post("/v1/search", "{\"query\":\"\"}", "token-a"))
        .isInstanceOf(IOException.class);
    assertThat(server.requestCount("POST", "/v1/search")).isEqualTo(1);
  }

  @Test
  void dataSourceQuery_filtersAndSorts() throws Exception {
    String body =
        "{\"filter\":{\"property\":\"Done\",\"checkbox\":{\"equals\":true}},"
            + "\"sorts\":[{\"property\":\"Estimate\",\"direction\":\"descending\"}],"
            + "\"page_size\":3}";

    JsonNode answer =
        JSON.readTree(
            post("/v1/data_sources/" + seeded.projectsDataSourceId() + "/query", body, "token-a")
                .body());

    List<String> titles =
        answer.path("results").findValues("Name").stream()
            .map(name -> name.path("title").get(0).path("plain_text").asText())
            .toList();
    assertThat(titles).containsExactly("Project 29", "Project 26", "Project 23");
    assertThat(answer.path("has_more").asBoolean()).isTrue();
  }

  @Test
  void refreshTokens_rotate_andAUsedOneIsAnInvalidGrant() throws Exception {
    FakeNotionServer.Tokens tokens = server.issueTokens(workspace);
    String refresh =
        "{\"grant_type\":\"refresh_token\",\"refresh_token\":\"" + tokens.refreshToken() + "\"}";

    HttpResponse<String> first = oauthToken(refresh);
    HttpResponse<String> again = oauthToken(refresh);

    JsonNode answer = JSON.readTree(first.body());
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(answer.path("refresh_token").asText()).isNotEqualTo(tokens.refreshToken());
    assertThat(answer.path("workspace_name").asText()).isEqualTo(workspace.name());
    assertThat(answer.has("expires_in")).isFalse();
    assertThat(again.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(again.body()).path("error").asText()).isEqualTo("invalid_grant");
  }

  private HttpResponse<String> oauthToken(String body) throws Exception {
    String basic =
        Base64.getEncoder()
            .encodeToString(
                (FakeNotionServer.CLIENT_ID + ":" + FakeNotionServer.CLIENT_SECRET)
                    .getBytes(StandardCharsets.UTF_8));
    return send(
        HttpRequest.newBuilder(uri("/v1/oauth/token"))
            .header("Authorization", "Basic " + basic)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    return send(notion(path, token).GET());
  }

  private HttpResponse<String> post(String path, String body, String token) throws Exception {
    return send(notion(path, token).POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private HttpResponse<String> patch(String path, String body) throws Exception {
    return send(notion(path, "token-a").method("PATCH", HttpRequest.BodyPublishers.ofString(body)));
  }

  private HttpRequest.Builder notion(String path, String token) {
    return HttpRequest.newBuilder(uri(path))
        .header("Authorization", "Bearer " + token)
        .header("Notion-Version", FakeNotionServer.NOTION_VERSION)
        .header("Content-Type", "application/json");
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create(server.baseUrl() + path);
  }
}
