package dev.nexus.testkit.gmail;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FakeGmailServerTest {

  private final FakeGmailServer fake = FakeGmailServer.start();
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @AfterEach
  void close() {
    fake.close();
  }

  @Test
  void list_pagesWithNextPageToken() throws Exception {
    fake.registerToken("tok", "me@gmail.test").seedMany(5);

    JsonNode first = get("gmail/v1/users/me/messages?maxResults=2", "tok");
    JsonNode last =
        get(
            "gmail/v1/users/me/messages?maxResults=2&pageToken="
                + first.get("nextPageToken").asText(),
            "tok");
    JsonNode end =
        get(
            "gmail/v1/users/me/messages?maxResults=2&pageToken="
                + last.get("nextPageToken").asText(),
            "tok");

    assertThat(first.get("messages")).hasSize(2);
    assertThat(first.get("resultSizeEstimate").asInt()).isEqualTo(5);
    assertThat(end.get("messages")).hasSize(1);
    assertThat(end.has("nextPageToken")).isFalse();
  }

  @Test
  void send_acceptsAGzippedBodyAndStoresTheMessageAsSent() throws Exception {
    fake.registerToken("tok", "me@gmail.test");
    String raw =
        Base64.getUrlEncoder()
            .encodeToString(
                "To: anna@example.com\r\nSubject: Hi\r\n\r\nHello\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
    ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gzipped)) {
      out.write(("{\"raw\":\"" + raw + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(fake.baseUrl() + "gmail/v1/users/me/messages/send"))
                .header("Authorization", "Bearer tok")
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzipped.toByteArray()))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode sent = json.readTree(response.body());
    assertThat(sent.get("labelIds").get(0).asText()).isEqualTo("SENT");
    StoredMessage stored = fake.sent().get(0);
    assertThat(stored.id()).isEqualTo(sent.get("id").asText());
    assertThat(stored.header("From")).isEqualTo("me@gmail.test");
    assertThat(stored.header("Message-ID")).endsWith("@mail.gmail.test>");
  }

  @Test
  void unknownToken_answersGmailsAuthErrorBody() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(fake.baseUrl() + "gmail/v1/users/me/messages"))
                .header("Authorization", "Bearer nope")
                .build(),
            HttpResponse.BodyHandlers.ofString());

    JsonNode error = json.readTree(response.body()).get("error");
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(error.get("code").asInt()).isEqualTo(401);
    assertThat(error.get("status").asText()).isEqualTo("UNAUTHENTICATED");
    assertThat(error.get("errors").get(0).get("reason").asText()).isEqualTo("authError");
    assertThat(error.get("errors").get(0).get("domain").asText()).isEqualTo("global");
  }

  @Test
  void fullFormat_givesBase64UrlBodiesAndAttachmentStubs() throws Exception {
    Mailbox mailbox = fake.registerToken("tok", "me@gmail.test").seed();
    String id =
        mailbox.messages().stream()
            .filter(m -> m.header("Subject").equals("Signed contract"))
            .findFirst()
            .orElseThrow()
            .id();

    JsonNode message = get("gmail/v1/users/me/messages/" + id + "?format=full", "tok");

    JsonNode parts = message.get("payload").get("parts");
    assertThat(message.get("payload").get("mimeType").asText()).isEqualTo("multipart/mixed");
    String text =
        new String(
            Base64.getUrlDecoder().decode(parts.get(0).get("body").get("data").asText()),
            StandardCharsets.UTF_8);
    assertThat(text).startsWith("Please find the signed contract attached.");
    assertThat(parts.get(1).get("filename").asText()).isEqualTo("contract-signed.pdf");
    assertThat(parts.get(1).get("body").has("data")).isFalse();
    assertThat(parts.get(1).get("body").get("attachmentId").asText()).isNotEmpty();
    assertThat(parts.get(1).get("body").get("size").asInt()).isEqualTo(12_345);
  }

  @Test
  void insufficientScope_answers403InsufficientPermissions() throws Exception {
    fake.registerToken("tok", "me@gmail.test", java.util.Set.of(FakeGmailServer.SCOPE_SEND));

    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(fake.baseUrl() + "gmail/v1/users/me/messages"))
                .header("Authorization", "Bearer tok")
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).contains("\"reason\":\"insufficientPermissions\"");
  }

  private JsonNode get(String path, String token) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(fake.baseUrl() + path))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return json.readTree(response.body());
  }
}
