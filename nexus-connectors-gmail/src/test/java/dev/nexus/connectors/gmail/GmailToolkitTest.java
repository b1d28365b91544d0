package dev.nexus.connectors.gmail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.core.authorization.Capability;
import dev.nexus.core.tool.Parameter;
import dev.nexus.core.tool.ParameterType;
import dev.nexus.core.tool.RiskClass;
import dev.nexus.core.tool.Tool;
import dev.nexus.core.tool.ToolSpec;
import dev.nexus.core.vault.ProviderId;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GmailToolkitTest {

  private final GmailTestbed bed = new GmailTestbed();

  @AfterEach
  void close() {
    bed.close();
  }

  @Test
  void tools_matchTheSharedToolTable() {
    Map<String, ToolSpec> specs =
        bed.toolkit.tools().stream()
            .map(Tool::spec)
            .collect(Collectors.toMap(ToolSpec::name, s -> s));

    assertThat(bed.toolkit.name()).isEqualTo("gmail");
    assertThat(specs.keySet())
        .containsExactlyInAnyOrder(
            "gmail_search",
            "gmail_read_latest",
            "gmail_read_message",
            "gmail_send",
            "gmail_create_draft",
            "gmail_reply",
            "gmail_mark_read",
            "gmail_trash");
    assertSpec(specs.get("gmail_search"), RiskClass.READ, Capability.READ_MAIL, "query");
    assertSpec(specs.get("gmail_read_latest"), RiskClass.READ, Capability.READ_MAIL);
    assertSpec(specs.get("gmail_read_message"), RiskClass.READ, Capability.READ_MAIL, "message_id");
    assertSpec(specs.get("gmail_send"), RiskClass.WRITE, Capability.SEND_MAIL, "to", "body");
    assertSpec(
        specs.get("gmail_create_draft"), RiskClass.WRITE, Capability.SEND_MAIL, "to", "body");
    assertSpec(
        specs.get("gmail_reply"), RiskClass.WRITE, Capability.SEND_MAIL, "message_id", "body");
    assertSpec(
        specs.get("gmail_mark_read"),
        RiskClass.WRITE,
        Capability.MODIFY_MAIL,
        "message_id",
        "read");
    assertSpec(
        specs.get("gmail_trash"), RiskClass.DESTRUCTIVE, Capability.MODIFY_MAIL, "message_id");
    assertThat(names(specs.get("gmail_search"))).containsExactly("query", "max_results");
    assertThat(names(specs.get("gmail_read_latest")))
        .containsExactly("count", "unread_only", "label");
    assertThat(names(specs.get("gmail_send")))
        .containsExactly("to", "cc", "bcc", "subject", "body");
    assertThat(names(specs.get("gmail_reply"))).containsExactly("message_id", "body", "reply_all");
    assertThat(specs.get("gmail_send").parameters().parameter("to").orElseThrow().type())
        .isEqualTo(ParameterType.STRING_ARRAY);
    Parameter count = specs.get("gmail_read_latest").parameters().parameter("count").orElseThrow();
    assertThat(count.minimum()).isEqualTo(1L);
    assertThat(count.maximum()).isEqualTo(50L);
  }

  @Test
  void oauthProvider_isGoogleForGmail() {
    assertThat(bed.toolkit.oauthProvider()).containsSame(bed.toolkit.googleOAuth());
    assertThat(bed.toolkit.googleOAuth().provider()).isEqualTo(ProviderId.GMAIL);
  }

  @Test
  void schemaViolations_areReportedByTheSchema() {
    ToolSpec search = bed.toolkit.tool("gmail_search").orElseThrow().spec();

    List<String> problems = search.parameters().violations(Map.of("max_results", 51));

    assertThat(problems)
        .containsExactly(
            "missing required argument 'query'", "'max_results' must be between 1 and 50");
  }

  private static void assertSpec(
      ToolSpec spec, RiskClass risk, Capability capability, String... required) {
    assertThat(spec.risk()).as(spec.name()).isEqualTo(risk);
    assertThat(spec.capability()).as(spec.name()).isEqualTo(capability);
    assertThat(
            spec.parameters().parameters().stream()
                .filter(Parameter::required)
                .map(Parameter::name)
                .toList())
        .as(spec.name())
        .containsExactly(required);
  }

  private static List<String> names(ToolSpec spec) {
    return spec.parameters().parameters().stream().map(Parameter::name).toList();
  }
}
