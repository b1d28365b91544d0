package dev.nexus.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.tool.Parameter;
import dev.nexus.core.tool.ParameterSchema;
import dev.nexus.core.tool.ToolCall;
import dev.nexus.core.tool.ToolCallId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParameterSchemaTest {

  private final ParameterSchema schema =
      ParameterSchema.of(
          Parameter.requiredString("to", "recipient").withMaxLength(20),
          Parameter.integer("count", "how many", false, 1, 50),
          Parameter.enumeration("format", "output", false, List.of("full", "short")),
          Parameter.bool("unread", "only unread", false),
          Parameter.stringArray("cc", "copies", false).withMaxLength(2));

  @Test
  void violations_validArguments_isEmpty() {
    Map<String, Object> args =
        Map.of("to", "a@b.test", "count", 5.0, "format", "short", "cc", List.of("c@d.test"));

    assertThat(schema.violations(args)).isEmpty();
  }

  @Test
  void violations_reportEachProblemByName() {
    Map<String, Object> args = new HashMap<>();
    args.put("count", 2.5);
    args.put("format", "html");
    args.put("unread", "yes");
    args.put("cc", List.of("a", "b", "c"));
    args.put("bcc", "x");

    assertThat(schema.violations(args))
        .containsExactly(
            "unknown argument 'bcc'",
            "missing required argument 'to'",
            "'count' must be a whole number",
            "'format' must be one of full, short",
            "'unread' must be true or false",
            "'cc' must have at most 2 items");
  }

  @Test
  void violations_outOfRangeAndTooLong() {
    Map<String, Object> args = Map.of("to", "x".repeat(21), "count", 51);

    assertThat(schema.violations(args))
        .containsExactly("'to' must be at most 20 characters", "'count' must be between 1 and 50");
  }

  @Test
  void schema_duplicateParameter_isRefused() {
    assertThatThrownBy(
            () -> ParameterSchema.of(Parameter.bool("a", "", false), Parameter.bool("a", "", true)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("declared twice");
  }

  @Test
  void toolCall_argumentsAreDeeplyFrozen() {
    List<Object> recipients = new ArrayList<>(List.of("a@b.test"));
    Map<String, Object> args = new HashMap<>();
    args.put("to", recipients);
    args.put("gone", null);
    ToolCall call = new ToolCall(ToolCallId.random(), "send_mail", args);

    recipients.add("evil@x.test");
    args.put("subject", "changed");

    assertThat(call.arguments()).containsOnlyKeys("to");
    assertThat(call.args().stringList("to")).containsExactly("a@b.test");
    assertThatThrownBy(() -> call.arguments().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void toolArguments_wrongType_namesToolAndArgument() {
    ToolCall call = new ToolCall(ToolCallId.random(), "read_mail", Map.of("count", "ten"));

    assertThatThrownBy(() -> call.args().integer("count"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("read_mail: argument 'count' must be a whole number");
    assertThatThrownBy(() -> call.args().string("id"))
        .hasMessage("read_mail: missing required argument 'id'");
  }
}
