package dev.nexus.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.error.RetriableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server process with a bad configuration: one clear line, a non-zero exit, no stack trace. */
class MainTest {

  @TempDir Path data;

  private record Exit(int status, String out, String err) {}

  /** Runs {@code Main} in a fresh JVM with only {@code settings} among the NEXUS_ variables. */
  private Exit run(Map<String, String> settings) throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("NEXUS_"));
    // Should a case wrongly pass validation, the server it starts stays out of the way.
    env.put("NEXUS_PORT", "0");
    env.put("NEXUS_DATA_DIR", data.toString());
    env.putAll(settings);
    Path out = data.resolve("out.txt");
    Path err = data.resolve("err.txt");
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process process = builder.start();
    process.getOutputStream().close();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("the server started instead of refusing " + settings);
    }
    return new Exit(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void badValue_printsOneLineNamingVariableAndValue_andExitsWithStatus2() throws Exception {
    Exit exit = run(Map.of("NEXUS_PORT", "eighty"));

    assertThat(exit.status()).isEqualTo(Main.BAD_CONFIGURATION);
    assertThat(exit.err())
        .isEqualTo(
            "nexus: cannot start: NEXUS_PORT=eighty must be a whole number from 0 to 65535"
                + System.lineSeparator());
    assertThat(exit.out()).isEmpty();
  }

  @Test
  void badSecret_printsTheVariableButNotItsValue() throws Exception {
    Exit exit = run(Map.of("NEXUS_GEMINI_API_KEY", "AIza leaked-key"));

    assertThat(exit.status()).isEqualTo(Main.BAD_CONFIGURATION);
    assertThat(exit.err())
        .startsWith("nexus: cannot start: NEXUS_GEMINI_API_KEY must be a single word")
        .contains("it is a secret")
        .doesNotContain("AIza")
        .doesNotContain("leaked-key")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(exit.err().lines()).hasSize(1);
  }

  @Test
  void production_withSandboxParts_refusesToStartListingThem() throws Exception {
    Exit exit = run(Map.of("NEXUS_PRODUCTION", "true"));

    assertThat(exit.status()).isEqualTo(Main.BAD_CONFIGURATION);
    assertThat(exit.err())
        .startsWith("nexus: cannot start: NEXUS_PRODUCTION is true but these parts are still")
        .contains("database (NEXUS_DATABASE_URL)")
        .doesNotContain("\tat ");
    assertThat(exit.err().lines()).hasSize(1);
  }

  @Test
  void cannotStart_namesAFailingServicesCauseByTypeOnly() {
    RetriableException down =
        new RetriableException(
            "the vault database could not be checked",
            null,
            new IllegalStateException("pool", new SQLException("password=hunter2 refused")));

    assertThat(Main.cannotStart(down))
        .isEqualTo("nexus: cannot start: the vault database could not be checked (SQLException)");
    assertThat(Main.cannotStart(new ConfigurationException("NEXUS_X must be y", down)))
        .isEqualTo("nexus: cannot start: NEXUS_X must be y");
  }
}
