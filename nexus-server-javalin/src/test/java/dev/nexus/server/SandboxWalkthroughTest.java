package dev.nexus.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nexus.core.vault.OAuthGrant;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.testkit.gmail.StoredMessage;
import dev.nexus.testkit.notion.NotionWorkspace;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The README walkthrough, end to end over HTTP against a sandbox server. */
class SandboxWalkthroughTest {

  @RegisterExtension static final SandboxExtension sandbox = new SandboxExtension();

  private static List<JsonNode> events(JsonNode turn, String name) {
    List<JsonNode> found = new ArrayList<>();
    for (JsonNode event : turn.get("events")) {
      if (event.get("event").asText().equals(name)) {
        found.add(event.get("data"));
      }
    }
    return found;
  }

  private static OAuthGrant grant(String email, ProviderId provider) {
    return sandbox.nexus().grant(sandbox.nexus().token(email, null, null), provider);
  }

  /**
   * The approved call's result is followed by the model's own words and the end of the turn: the
   * turn resumed rather than stopping at the tool.
   */
  private static void assertModelContinuesAfter(JsonNode turn, String tool) {
    List<String> names = new ArrayList<>();
    int resultAt = -1;
    int textAt = -1;
    for (JsonNode event : turn.get("events")) {
      String name = event.get("event").asText();
      if (name.equals("tool_result") && event.at("/data/tool").asText().equals(tool)) {
        resultAt = names.size();
      }
      if (name.equals("text") && resultAt >= 0 && !event.at("/data/text").asText().isBlank()) {
        textAt = names.size();
      }
      names.add(name);
    }
    assertThat(resultAt).as("the %s result in %s", tool, names).isNotNegative();
    assertThat(textAt)
        .as("model text after the %s result in %s", tool, names)
        .isGreaterThan(resultAt);
    assertThat(names.get(names.size() - 1)).isEqualTo("done");
  }

  @Test
  void walkthrough_readSendAndCreate_eachWriteRunsOnceAfterApproval() {
    String token = sandbox.nexus().token("ada@example.com", null, null);
    String conversation = sandbox.nexus().newConversation(token);
    sandbox.nexus().connect(token, "gmail");
    sandbox.nexus().connect(token, "notion");

    JsonNode read = sandbox.nexus().chat(token, conversation, "Read my latest 5 emails");

    assertThat(read.get("status").asText()).isEqualTo("completed");
    JsonNode result = events(read, "tool_result").get(0);
    assertThat(result.get("tool").asText()).isEqualTo("gmail_read_latest");
    assertThat(result.get("content").asText().split("\nsubject: ", -1)).hasSize(6);

    JsonNode send =
        sandbox.nexus().chat(token, conversation, "Send an email to test@example.com saying hello");

    assertThat(send.get("status").asText()).isEqualTo("awaiting_approval");
    JsonNode approval = events(send, "approval_required").get(0);
    assertThat(approval.at("/call/tool").asText()).isEqualTo("gmail_send");
    assertThat(approval.at("/call/arguments/to/0").asText()).isEqualTo("test@example.com");
    String mailbox = grant("ada@example.com", ProviderId.GMAIL).accessToken().reveal();
    int seededSent = sandbox.fakes().gmail().mailbox(mailbox).sent().size();

    JsonNode approved =
        sandbox
            .nexus()
            .post("/api/approvals/" + approval.get("id").asText() + "/approve", token, null)
            .json();

    assertThat(approved.get("status").asText()).isEqualTo("completed");
    assertModelContinuesAfter(approved, "gmail_send");
    List<StoredMessage> sent = sandbox.fakes().gmail().mailbox(mailbox).sent();
    assertThat(sent).hasSize(seededSent + 1);
    StoredMessage mail = sent.get(sent.size() - 1);
    assertThat(mail.header("To")).isEqualTo("test@example.com");
    assertThat(mail.text()).contains("hello");
    assertThat(
            sandbox
                .nexus()
                .post("/api/approvals/" + approval.get("id").asText() + "/approve", token, null)
                .status())
        .isEqualTo(409);
    assertThat(sandbox.fakes().gmail().mailbox(mailbox).sent()).hasSize(seededSent + 1);

    JsonNode create =
        sandbox
            .nexus()
            .chat(
                token,
                conversation,
                "Create a Notion page called 'Meeting Notes' with content: Agenda and decisions");
    JsonNode pageApproval = events(create, "approval_required").get(0);
    assertThat(pageApproval.at("/call/tool").asText()).isEqualTo("notion_create_page");
    JsonNode created =
        sandbox
            .nexus()
            .post("/api/approvals/" + pageApproval.get("id").asText() + "/approve", token, null)
            .json();

    assertThat(created.get("status").asText()).isEqualTo("completed");
    assertModelContinuesAfter(created, "notion_create_page");
    String notionToken = grant("ada@example.com", ProviderId.NOTION).accessToken().reveal();
    NotionWorkspace workspace = sandbox.fakes().notion().workspace(notionToken).orElseThrow();
    String page = workspace.pageIdByTitle("Meeting Notes").orElseThrow();
    assertThat(workspace.text(page)).contains("Agenda and decisions");
    assertThat(events(created, "tool_result"))
        .anySatisfy(r -> assertThat(r.get("content").asText()).contains("Meeting Notes"));
  }
}
