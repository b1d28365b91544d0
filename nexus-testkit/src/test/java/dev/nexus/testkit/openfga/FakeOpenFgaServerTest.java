package dev.nexus.testkit.openfga;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nexus.authz.NexusAuthorizationModel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fake's wire behaviour, spoken to over plain HTTP: OpenFGA's paths, codes and bodies. */
class FakeOpenFgaServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ALICE_MEMBER =
      "{\"user\":\"user:alice\",\"relation\":\"member\",\"object\":\"organization:acme\"}";

  private final FakeOpenFgaServer fga = FakeOpenFgaServer.start();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    fga.close();
  }

  private HttpResponse<String> post(String path, String body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(fga.baseUrl() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(fga.baseUrl() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  @Test
  void createStore_answers201WithAUlidAndTheStoreCanBeRead() throws Exception {
    HttpResponse<String> created = post("/stores", "{\"name\":\"nexus\"}");
    String id = json(created).path("id").asText();

    HttpResponse<String> read = get("/stores/" + id);

    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(id).matches("[0-9A-HJKMNP-TV-Z]{26}");
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(json(read).path("name").asText()).isEqualTo("nexus");
  }

  @Test
  void unknownStore_is404StoreIdNotFound() throws Exception {
    HttpResponse<String> response = get("/stores/01HZZZZZZZZZZZZZZZZZZZZZZZ");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(json(response).path("code").asText()).isEqualTo("store_id_not_found");
  }

  @Test
  void check_beforeAnyModel_is400LatestModelNotFound() throws Exception {
    String store = fga.createStore("empty");

    HttpResponse<String> response =
        post("/stores/" + store + "/check", "{\"tuple_key\":" + ALICE_MEMBER + "}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).path("code").asText())
        .isEqualTo("latest_authorization_model_not_found");
  }

  @Test
  void write_answersAnEmptyObjectAndTheCheckSeesTheTuple() throws Exception {
    String store = fga.createStore("nexus");
    fga.writeModel(store, NexusAuthorizationModel.dsl());

    HttpResponse<String> write =
        post("/stores/" + store + "/write", "{\"writes\":{\"tuple_keys\":[" + ALICE_MEMBER + "]}}");
    HttpResponse<String> check =
        post(
            "/stores/" + store + "/check",
            "{\"tuple_key\":{\"user\":\"user:alice\",\"relation\":\"can_send_mail\","
                + "\"object\":\"organization:acme\"}}");

    assertThat(write.statusCode()).isEqualTo(200);
    assertThat(write.body()).isEqualTo("{}");
    assertThat(json(check).path("allowed").asBoolean()).isTrue();
  }

  @Test
  void write_existingTupleWithoutOnDuplicate_failsAsOpenFgaDoes() throws Exception {
    String store = fga.createStore("nexus");
    fga.writeModel(store, NexusAuthorizationModel.dsl());
    String body = "{\"writes\":{\"tuple_keys\":[" + ALICE_MEMBER + "]}}";
    post("/stores/" + store + "/write", body);

    HttpResponse<String> again = post("/stores/" + store + "/write", body);
    HttpResponse<String> ignored =
        post(
            "/stores/" + store + "/write",
            "{\"writes\":{\"tuple_keys\":[" + ALICE_MEMBER + "],\"on_duplicate\":\"ignore\"}}");

    assertThat(again.statusCode()).isEqualTo(400);
    assertThat(json(again).path("code").asText()).isEqualTo("write_failed_due_to_invalid_input");
    assertThat(ignored.statusCode()).isEqualTo(200);
  }

  @Test
  void write_tupleTheModelForbids_is400InvalidTuple() throws Exception {
    String store = fga.createStore("nexus");
    fga.writeModel(store, NexusAuthorizationModel.dsl());

    HttpResponse<String> response =
        post(
            "/stores/" + store + "/write",
            "{\"writes\":{\"tuple_keys\":[{\"user\":\"document:x\",\"relation\":\"admin\","
                + "\"object\":\"organization:acme\"}]}}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).path("code").asText()).isEqualTo("invalid_tuple");
  }

  @Test
  void writeModel_thenList_newestFirst() throws Exception {
    String store = fga.createStore("nexus");
    String first = fga.writeModel(store, NexusAuthorizationModel.dsl());

    HttpResponse<String> written =
        post(
            "/stores/" + store + "/authorization-models",
            "{\"schema_version\":\"1.1\",\"type_definitions\":[{\"type\":\"user\"}]}");
    HttpResponse<String> listed = get("/stores/" + store + "/authorization-models");

    String second = json(written).path("authorization_model_id").asText();
    assertThat(written.statusCode()).isEqualTo(201);
    assertThat(json(listed).path("authorization_models").findValuesAsText("id"))
        .containsExactly(second, first);
  }

  @Test
  void check_withAnUnknownModelId_is400AuthorizationModelNotFound() throws Exception {
    String store = fga.createStore("nexus");
    fga.writeModel(store, NexusAuthorizationModel.dsl());

    HttpResponse<String> response =
        post(
            "/stores/" + store + "/check",
            "{\"authorization_model_id\":\"01HYYYYYYYYYYYYYYYYYYYYYYY\",\"tuple_key\":"
                + ALICE_MEMBER
                + "}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).path("code").asText()).isEqualTo("authorization_model_not_found");
  }

  @Test
  void batchCheck_answersPerCorrelationIdWithErrorsInline() throws Exception {
    String store = fga.createStore("nexus");
    fga.writeModel(store, NexusAuthorizationModel.dsl());
    post("/stores/" + store + "/write", "{\"writes\":{\"tuple_keys\":[" + ALICE_MEMBER + "]}}");

    HttpResponse<String> response =
        post(
            "/stores/" + store + "/batch-check",
            "{\"checks\":["
                + "{\"correlation_id\":\"a\",\"tuple_key\":"
                + ALICE_MEMBER
                + "},"
                + "{\"correlation_id\":\"b\",\"tuple_key\":{\"user\":\"user:alice\","
                + "\"relation\":\"no_such_relation\",\"object\":\"organization:acme\"}}]}");

    JsonNode result = json(response).path("result");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(result.path("a").path("allowed").asBoolean()).isTrue();
    assertThat(result.path("b").path("error").path("input_error").asText())
        .isEqualTo("validation_error");
  }

  @Test
  void injectedRateLimit_is429WithRetryAfter() throws Exception {
    fga.failNextRequests(1, 429);

    HttpResponse<String> limited = get("/stores");
    HttpResponse<String> next = get("/stores");

    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).contains("1");
    assertThat(json(limited).path("code").asText()).isEqualTo("rate_limit_exceeded");
    assertThat(next.statusCode()).isEqualTo(200);
  }
}
