package dev.nexus.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.vault.VaultKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md cannot drift from the code: its one table lists exactly the variables the
 * server reads, marks exactly the secret ones, and no source or document names another.
 */
class ConfigurationDocTest {

  private static final Pattern VARIABLE = Pattern.compile("NEXUS_[A-Z0-9_]+");
  private static final Path ROOT = repositoryRoot();
  private static final Path DOC = ROOT.resolve("docs/configuration.md");

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("docs/configuration.md"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new AssertionError("docs/configuration.md not found above the working directory");
    }
    return dir;
  }

  /** One row of the settings table: its cells by column heading. */
  private record Row(String variable, Map<String, String> cells) {}

  private static List<String> tableLines() throws IOException {
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(DOC, StandardCharsets.UTF_8)) {
      if (line.startsWith("|")) {
        lines.add(line);
      }
    }
    return lines;
  }

  private static List<String> cells(String line) {
    List<String> cells = new ArrayList<>();
    for (String cell : line.substring(1, line.lastIndexOf('|')).split("\\|", -1)) {
      cells.add(cell.strip());
    }
    return cells;
  }

  private static List<Row> rows() throws IOException {
    List<String> lines = tableLines();
    List<String> headings = cells(lines.get(0));
    List<Row> rows = new ArrayList<>();
    for (String line : lines.subList(2, lines.size())) {
      List<String> values = cells(line);
      assertThat(values).as("cells of %s", line).hasSameSizeAs(headings);
      Map<String, String> byHeading = new HashMap<>();
      for (int i = 0; i < headings.size(); i++) {
        byHeading.put(headings.get(i), values.get(i));
      }
      String variable = byHeading.get("Variable");
      assertThat(variable).as("one variable per row: %s", line).matches("`NEXUS_[A-Z0-9_]+`");
      rows.add(new Row(variable.replace("`", ""), byHeading));
    }
    return rows;
  }

  private static Set<String> variablesIn(String text) {
    Set<String> found = new TreeSet<>();
    Matcher matcher = VARIABLE.matcher(text);
    while (matcher.find()) {
      found.add(matcher.group());
    }
    return found;
  }

  @Test
  void theDoc_hasOneTable_withTheColumnsTheIssueAsksFor() throws IOException {
    List<String> lines = Files.readAllLines(DOC, StandardCharsets.UTF_8);
    long separators = lines.stream().filter(l -> l.matches("\\|(\\s*:?-+:?\\s*\\|)+")).count();

    assertThat(separators).as("markdown tables in docs/configuration.md").isEqualTo(1);
    assertThat(cells(tableLines().get(0)))
        .containsExactly(
            "Area", "Variable", "Default", "Meaning", "Sandbox part it replaces / when required");
  }

  @Test
  void theTable_listsExactlyTheVariablesTheServerKnows_eachOnce() throws IOException {
    List<String> documented = rows().stream().map(Row::variable).toList();

    assertThat(documented).doesNotHaveDuplicates();
    assertThat(new TreeSet<>(documented)).isEqualTo(new TreeSet<>(ServerSettings.VARIABLES));
  }

  @Test
  void theTable_marksExactlyTheSecretVariables() throws IOException {
    Set<String> marked = new TreeSet<>();
    for (Row row : rows()) {
      if (row.cells().get("Meaning").startsWith("*Secret.*")) {
        marked.add(row.variable());
      }
    }

    assertThat(marked).isEqualTo(new TreeSet<>(ServerSettings.SECRETS));
  }

  @Test
  void everyKnownVariable_isReadWhenAllAreSet() {
    Map<String, String> all = new TreeMap<>();
    all.put("NEXUS_PORT", "0");
    all.put("NEXUS_HOST", "127.0.0.1");
    all.put("NEXUS_PUBLIC_URL", "https://nexus.example.com");
    all.put("NEXUS_DATA_DIR", "/tmp/nexus");
    all.put("NEXUS_PRODUCTION", "false");
    all.put("NEXUS_MAX_BODY_BYTES", "65536");
    all.put("NEXUS_CORS_ORIGINS", "https://app.example.com");
    all.put("NEXUS_TURNS_PER_USER_PER_MINUTE", "30");
    all.put("NEXUS_TURNS_PER_ORG_PER_MINUTE", "600");
    all.put("NEXUS_WRITES_PER_USER_PER_MINUTE", "10");
    all.put("NEXUS_WRITES_PER_ORG_PER_MINUTE", "200");
    all.put("NEXUS_MAX_WRITES_PER_TURN", "5");
    all.put("NEXUS_MAX_STEPS", "8");
    all.put("NEXUS_APPROVAL_TTL", "PT15M");
    all.put("NEXUS_DATABASE_URL", "jdbc:postgresql://db:5432/nexus");
    all.put("NEXUS_DATABASE_USER", "app");
    all.put("NEXUS_DATABASE_PASSWORD", "app-password");
    all.put("NEXUS_DATABASE_OWNER_USER", "owner");
    all.put("NEXUS_DATABASE_OWNER_PASSWORD", "owner-password");
    all.put(VaultKeys.KEYSET_ENV, "{}");
    all.put("NEXUS_AUTH0_DOMAIN", "acme.eu.auth0.com");
    all.put("NEXUS_AUTH0_AUDIENCE", "https://api.example.com");
    all.put("NEXUS_AUTH0_ROLE_CLAIM", "https://example.com/role");
    all.put("NEXUS_AUTH0_SPA_CLIENT_ID", "spa");
    all.put("NEXUS_AUTHORIZATION", "openfga");
    all.put("NEXUS_OPENFGA_API_URL", "https://api.us1.fga.dev");
    all.put("NEXUS_OPENFGA_STORE_ID", "store");
    all.put("NEXUS_OPENFGA_MODEL_ID", "model");
    all.put("NEXUS_OPENFGA_API_TOKEN", "token");
    all.put("NEXUS_OPENFGA_CLIENT_ID", "client");
    all.put("NEXUS_OPENFGA_CLIENT_SECRET", "secret");
    all.put("NEXUS_OPENFGA_TOKEN_ISSUER", "auth.fga.dev");
    all.put("NEXUS_OPENFGA_AUDIENCE", "https://api.us1.fga.dev/");
    all.put("NEXUS_GOOGLE_CLIENT_ID", "google");
    all.put("NEXUS_GOOGLE_CLIENT_SECRET", "google-secret");
    all.put("NEXUS_NOTION_CLIENT_ID", "notion");
    all.put("NEXUS_NOTION_CLIENT_SECRET", "notion-secret");
    all.put("NEXUS_GEMINI_API_KEY", "key");
    all.put("NEXUS_GEMINI_MODEL", "gemini-2.5-flash");
    all.put("NEXUS_GEMINI_BASE_URL", "https://gemini.example.com");
    all.put("NEXUS_GEMINI_TIMEOUT", "PT60S");
    Env env = new Env(all, ServerSettings.VARIABLES, ServerSettings.SECRETS);

    ServerSettings.from(env);

    assertThat(new TreeSet<>(env.asked())).isEqualTo(new TreeSet<>(ServerSettings.VARIABLES));
  }

  @Test
  void mainSources_nameNoVariableOutsideTheKnownOnes() throws IOException {
    Set<String> named = new TreeSet<>();
    try (Stream<Path> modules = Files.list(ROOT)) {
      for (Path module :
          modules.filter(m -> m.getFileName().toString().startsWith("nexus-")).toList()) {
        if (module.getFileName().toString().equals("nexus-bench")) {
          continue; // the load driver sets variables for the servers it starts
        }
        Path main = module.resolve("src/main");
        if (!Files.isDirectory(main)) {
          continue;
        }
        try (Stream<Path> files = Files.walk(main)) {
          for (Path file : files.filter(Files::isRegularFile).toList()) {
            named.addAll(variablesIn(Files.readString(file, StandardCharsets.ISO_8859_1)));
          }
        }
      }
    }

    assertThat(named).contains("NEXUS_PORT", VaultKeys.KEYSET_ENV);
    assertThat(ServerSettings.VARIABLES).containsAll(named);
  }

  @Test
  void theDocAndTheReadme_nameNoOtherVariable() throws IOException {
    Set<String> named = variablesIn(Files.readString(DOC, StandardCharsets.UTF_8));
    named.addAll(variablesIn(Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8)));

    assertThat(ServerSettings.VARIABLES).containsAll(named);
  }
}
