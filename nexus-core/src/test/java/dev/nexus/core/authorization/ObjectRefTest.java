package dev.nexus.core.authorization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.error.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ObjectRefTest {

  /** The rules as regular expressions: the hand-written checks must agree with them. */
  private static final Pattern TYPE = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");

  private static final Pattern ID = Pattern.compile("[^\\s#:]{1,256}");

  private static boolean accepted(String type, String id) {
    try {
      ObjectRef.of(type, id);
      return true;
    } catch (InvalidInputException e) {
      return false;
    }
  }

  @Test
  void validation_agreesWithTheRulesOnEdgeCases() {
    List<String> types =
        List.of(
            "organization",
            "a",
            "A9_-",
            "9abc",
            "_abc",
            "-",
            "",
            "a".repeat(64),
            "a".repeat(65),
            "doc ument",
            "dé",
            "doc:x",
            "doc#x");
    List<String> ids =
        List.of(
            "acme",
            "x",
            "",
            "a b",
            "a\tb",
            "a\nb",
            "a\u000Bb",
            "a\fb",
            "a\rb",
            "a#b",
            "a:b",
            "personal-0f3c",
            "Zürich",
            "\u00A0",
            "x".repeat(256),
            "x".repeat(257),
            "\uD83D\uDE00".repeat(256),
            "\uD83D\uDE00".repeat(257),
            "\u2028");
    for (String type : types) {
      for (String id : ids) {
        boolean expected = TYPE.matcher(type).matches() && ID.matcher(id).matches();
        assertThat(accepted(type, id)).as("type %s, id %s", type, id).isEqualTo(expected);
      }
    }
  }

  @Test
  void validation_agreesWithTheRulesOnRandomText() {
    Random random = new Random(42);
    String alphabet = "aZ09_-#: \t\nxé\u00A0";
    List<String> samples = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(8);
      for (int j = 0; j < length; j++) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      samples.add(text.toString());
    }
    for (String sample : samples) {
      assertThat(accepted(sample, "id"))
          .as("type %s", sample)
          .isEqualTo(TYPE.matcher(sample).matches());
      assertThat(accepted("doc", sample))
          .as("id %s", sample)
          .isEqualTo(ID.matcher(sample).matches());
    }
  }

  @Test
  void nulls_areRefusedWithTheRule() {
    assertThatThrownBy(() -> ObjectRef.of(null, "x"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("object type");
    assertThatThrownBy(() -> ObjectRef.of("doc", null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("object id");
  }
}
