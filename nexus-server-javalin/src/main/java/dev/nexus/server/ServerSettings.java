package dev.nexus.server;

import dev.nexus.core.error.ConfigurationException;
import dev.nexus.vault.VaultKeys;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every setting of the server, read from environment variables (see docs/configuration.md) and
 * validated at start with a message naming the bad variable. With none set, the server runs as a
 * sandbox on embedded parts; each production part is switched on by its own variables.
 */
public record ServerSettings(
    String host,
    int port,
    Optional<URI> publicUrl,
    Path dataDirectory,
    boolean production,
    long maxBodyBytes,
    List<String> corsOrigins,
    Limits limits,
    Optional<Database> database,
    Optional<Auth0> auth0,
    Optional<OpenFga> openFga,
    boolean embeddedAuthorization,
    Optional<OAuthClient> google,
    Optional<OAuthClient> notion,
    Gemini gemini,
    Map<String, String> environment) {

  /** Rate and size limits of chat turns and tool calls. */
  public record Limits(
      int turnsPerUserPerMinute,
      int turnsPerOrganizationPerMinute,
      int writesPerUserPerMinute,
      int writesPerOrganizationPerMinute,
      int maxWritesPerTurn,
      int maxSteps,
      Duration approvalTtl) {}

  /** A production PostgreSQL. */
  public record Database(
      String jdbcUrl, String ownerUser, String ownerPassword, String appUser, String appPassword) {
    @Override
    public String toString() {
      // A JDBC URL may carry a password in its query, so that part is left out.
      return "Database["
          + jdbcUrl.replaceAll("\\?.*", "?...")
          + ", owner="
          + ownerUser
          + ", app="
          + appUser
          + "]";
    }
  }

  /**
   * An Auth0 tenant (or any issuer of Auth0-shaped tokens).
   *
   * @param domain the tenant's host name, with a port if it has one
   * @param baseUrl where the tenant answers: {@code https://DOMAIN}, or a loopback {@code http://}
   *     URL for a local test tenant outside production
   */
  public record Auth0(
      String domain,
      URI baseUrl,
      String audience,
      Optional<String> roleClaim,
      Optional<String> spaClientId) {
    @Override
    public String toString() {
      return "Auth0[" + domain + ", audience=" + audience + "]";
    }
  }

  /** An OpenFGA or Auth0 FGA store. */
  public record OpenFga(
      String apiUrl,
      String storeId,
      Optional<String> modelId,
      Optional<String> apiToken,
      Optional<String> clientId,
      Optional<String> clientSecret,
      Optional<String> tokenIssuer,
      Optional<String> audience) {
    @Override
    public String toString() {
      return "OpenFga[" + apiUrl + ", store=" + storeId + "]";
    }
  }

  /** An OAuth client registered with Google or Notion. */
  public record OAuthClient(String clientId, String clientSecret) {
    @Override
    public String toString() {
      return "OAuthClient[" + clientId + ", secret=redacted]";
    }
  }

  /** The Gemini model; without a key the offline sandbox model answers. */
  public record Gemini(
      Optional<String> apiKey, String model, Optional<URI> baseUrl, Duration timeout) {
    @Override
    public String toString() {
      return "Gemini[" + model + ", key=" + (apiKey.isPresent() ? "set" : "none") + "]";
    }
  }

  /**
   * Every variable the server reads, each with one row in docs/configuration.md. Reading any other
   * name is a programming error.
   */
  static final Set<String> VARIABLES =
      Set.of(
          "NEXUS_PORT",
          "NEXUS_HOST",
          "NEXUS_PUBLIC_URL",
          "NEXUS_DATA_DIR",
          "NEXUS_PRODUCTION",
          "NEXUS_MAX_BODY_BYTES",
          "NEXUS_CORS_ORIGINS",
          "NEXUS_TURNS_PER_USER_PER_MINUTE",
          "NEXUS_TURNS_PER_ORG_PER_MINUTE",
          "NEXUS_WRITES_PER_USER_PER_MINUTE",
          "NEXUS_WRITES_PER_ORG_PER_MINUTE",
          "NEXUS_MAX_WRITES_PER_TURN",
          "NEXUS_MAX_STEPS",
          "NEXUS_APPROVAL_TTL",
          "NEXUS_DATABASE_URL",
          "NEXUS_DATABASE_USER",
          "NEXUS_DATABASE_PASSWORD",
          "NEXUS_DATABASE_OWNER_USER",
          "NEXUS_DATABASE_OWNER_PASSWORD",
          VaultKeys.KEYSET_ENV,
          VaultKeys.KEYSET_FILE_ENV,
          "NEXUS_AUTH0_DOMAIN",
          "NEXUS_AUTH0_AUDIENCE",
          "NEXUS_AUTH0_ROLE_CLAIM",
          "NEXUS_AUTH0_SPA_CLIENT_ID",
          "NEXUS_AUTHORIZATION",
          "NEXUS_OPENFGA_API_URL",
          "NEXUS_OPENFGA_STORE_ID",
          "NEXUS_OPENFGA_MODEL_ID",
          "NEXUS_OPENFGA_API_TOKEN",
          "NEXUS_OPENFGA_CLIENT_ID",
          "NEXUS_OPENFGA_CLIENT_SECRET",
          "NEXUS_OPENFGA_TOKEN_ISSUER",
          "NEXUS_OPENFGA_AUDIENCE",
          "NEXUS_GOOGLE_CLIENT_ID",
          "NEXUS_GOOGLE_CLIENT_SECRET",
          "NEXUS_NOTION_CLIENT_ID",
          "NEXUS_NOTION_CLIENT_SECRET",
          "NEXUS_GEMINI_API_KEY",
          "NEXUS_GEMINI_MODEL",
          "NEXUS_GEMINI_BASE_URL",
          "NEXUS_GEMINI_TIMEOUT");

  /** The variables holding secrets: a message names them but never shows their values. */
  static final Set<String> SECRETS =
      Set.of(
          "NEXUS_DATABASE_PASSWORD",
          "NEXUS_DATABASE_OWNER_PASSWORD",
          VaultKeys.KEYSET_ENV,
          "NEXUS_OPENFGA_API_TOKEN",
          "NEXUS_OPENFGA_CLIENT_SECRET",
          "NEXUS_GOOGLE_CLIENT_SECRET",
          "NEXUS_NOTION_CLIENT_SECRET",
          "NEXUS_GEMINI_API_KEY");

  /** Reads the settings from the process environment. */
  public static ServerSettings fromEnvironment() {
    return from(System.getenv());
  }

  /**
   * Reads the settings from {@code environment}.
   *
   * @throws ConfigurationException naming the first bad variable, and its value unless secret
   */
  public static ServerSettings from(Map<String, String> environment) {
    return from(new Env(environment, VARIABLES, SECRETS));
  }

  /** Reads the settings through {@code env}, which may record the names it is asked for. */
  static ServerSettings from(Env env) {
    Map<String, String> environment = env.values();
    int port = env.integer("NEXUS_PORT", 8080, 0, 65535);
    boolean production = env.bool("NEXUS_PRODUCTION", false);
    String host = env.string("NEXUS_HOST", production ? "0.0.0.0" : "127.0.0.1");
    Optional<URI> publicUrl = publicUrl(env);
    Path dataDirectory = Path.of(env.string("NEXUS_DATA_DIR", ".nexus")).toAbsolutePath();

    Limits limits =
        new Limits(
            env.integer("NEXUS_TURNS_PER_USER_PER_MINUTE", 30, 1, 100_000),
            env.integer("NEXUS_TURNS_PER_ORG_PER_MINUTE", 600, 1, 1_000_000),
            env.integer("NEXUS_WRITES_PER_USER_PER_MINUTE", 10, 1, 100_000),
            env.integer("NEXUS_WRITES_PER_ORG_PER_MINUTE", 200, 1, 1_000_000),
            env.integer("NEXUS_MAX_WRITES_PER_TURN", 5, 0, 100),
            env.integer("NEXUS_MAX_STEPS", 8, 1, 100),
            env.duration("NEXUS_APPROVAL_TTL", Duration.ofMinutes(15)));

    refuseSettingsWithout(env);
    Optional<Database> database = Optional.empty();
    if (env.isSet("NEXUS_DATABASE_URL")) {
      String url = env.optional("NEXUS_DATABASE_URL").orElseThrow();
      if (!url.startsWith("jdbc:postgresql:")) {
        throw env.invalid("NEXUS_DATABASE_URL", "a jdbc:postgresql: URL");
      }
      database =
          Optional.of(
              new Database(
                  url,
                  env.optional("NEXUS_DATABASE_OWNER_USER").orElse(null),
                  env.optional("NEXUS_DATABASE_OWNER_PASSWORD").orElse(null),
                  env.optional("NEXUS_DATABASE_USER")
                      .orElseThrow(
                          () -> Env.bad("NEXUS_DATABASE_USER", "set with NEXUS_DATABASE_URL")),
                  env.optional("NEXUS_DATABASE_PASSWORD").orElse(null)));
    }

    Optional<Auth0> auth0 = Optional.empty();
    if (env.isSet("NEXUS_AUTH0_DOMAIN")) {
      URI baseUrl = auth0BaseUrl(env, production);
      auth0 =
          Optional.of(
              new Auth0(
                  baseUrl.getRawAuthority(),
                  baseUrl,
                  env.optional("NEXUS_AUTH0_AUDIENCE")
                      .orElseThrow(
                          () -> Env.bad("NEXUS_AUTH0_AUDIENCE", "set with NEXUS_AUTH0_DOMAIN")),
                  env.optional("NEXUS_AUTH0_ROLE_CLAIM"),
                  env.singleToken("NEXUS_AUTH0_SPA_CLIENT_ID")));
    }

    Optional<OpenFga> openFga = Optional.empty();
    if (env.isSet("NEXUS_OPENFGA_API_URL")) {
      String apiUrl = env.url("NEXUS_OPENFGA_API_URL").orElseThrow().toString();
      Optional<String> apiToken = env.singleToken("NEXUS_OPENFGA_API_TOKEN");
      Optional<String> clientId = env.singleToken("NEXUS_OPENFGA_CLIENT_ID");
      // Client credentials are used when there is no API token; then all four are needed.
      boolean credentials = apiToken.isEmpty() && clientId.isPresent();
      openFga =
          Optional.of(
              new OpenFga(
                  apiUrl,
                  env.singleToken("NEXUS_OPENFGA_STORE_ID")
                      .orElseThrow(
                          () ->
                              Env.bad("NEXUS_OPENFGA_STORE_ID", "set with NEXUS_OPENFGA_API_URL")),
                  env.singleToken("NEXUS_OPENFGA_MODEL_ID"),
                  apiToken,
                  clientId,
                  withClientId(
                      credentials,
                      "NEXUS_OPENFGA_CLIENT_SECRET",
                      env.singleToken("NEXUS_OPENFGA_CLIENT_SECRET")),
                  withClientId(
                      credentials,
                      "NEXUS_OPENFGA_TOKEN_ISSUER",
                      env.optional("NEXUS_OPENFGA_TOKEN_ISSUER")),
                  withClientId(
                      credentials,
                      "NEXUS_OPENFGA_AUDIENCE",
                      env.optional("NEXUS_OPENFGA_AUDIENCE"))));
    }

    // The vault reads its keyset itself at wiring; refusing both here fails before anything starts.
    if (env.isSet(VaultKeys.KEYSET_ENV) && env.isSet(VaultKeys.KEYSET_FILE_ENV)) {
      throw Env.bad(
          VaultKeys.KEYSET_ENV,
          "unset when " + VaultKeys.KEYSET_FILE_ENV + " is set (set only one of them)");
    }

    Gemini gemini =
        new Gemini(
            env.singleToken("NEXUS_GEMINI_API_KEY"),
            env.string("NEXUS_GEMINI_MODEL", "gemini-2.5-flash"),
            env.url("NEXUS_GEMINI_BASE_URL"),
            env.duration("NEXUS_GEMINI_TIMEOUT", Duration.ofSeconds(60)));

    ServerSettings settings =
        new ServerSettings(
            host,
            port,
            publicUrl,
            dataDirectory,
            production,
            env.longValue("NEXUS_MAX_BODY_BYTES", 64 * 1024, 1024, 16 * 1024 * 1024),
            env.list("NEXUS_CORS_ORIGINS"),
            limits,
            database,
            auth0,
            openFga,
            embeddedAuthorization(env, openFga.isPresent()),
            client(env, "NEXUS_GOOGLE_CLIENT_ID", "NEXUS_GOOGLE_CLIENT_SECRET"),
            client(env, "NEXUS_NOTION_CLIENT_ID", "NEXUS_NOTION_CLIENT_SECRET"),
            gemini,
            environment);
    if (production && !settings.sandboxParts().isEmpty()) {
      throw new ConfigurationException(
          "NEXUS_PRODUCTION is true but these parts are still the sandbox's: "
              + String.join(", ", settings.sandboxParts()));
    }
    // Without it OAuth callbacks and sign-in redirects would point at localhost.
    if (production && publicUrl.isEmpty()) {
      throw Env.bad(
          "NEXUS_PUBLIC_URL",
          "set when NEXUS_PRODUCTION is true, to the URL people reach the server at (OAuth"
              + " callbacks go there)");
    }
    // Tokens and OAuth codes travel to that address; providers accept only https callbacks
    // outside localhost.
    if (production && !"https".equals(publicUrl.get().getScheme())) {
      throw env.invalid("NEXUS_PUBLIC_URL", "an https URL when NEXUS_PRODUCTION is true");
    }
    return settings;
  }

  /**
   * Settings that mean something only beside another one, keyed by the one they need. Setting them
   * alone would be ignored, leaving a sandbox part in place the operator meant to replace.
   */
  private static final Map<String, List<String>> NEEDS =
      Map.of(
          "NEXUS_DATABASE_URL",
          List.of(
              "NEXUS_DATABASE_USER",
              "NEXUS_DATABASE_PASSWORD",
              "NEXUS_DATABASE_OWNER_USER",
              "NEXUS_DATABASE_OWNER_PASSWORD"),
          "NEXUS_AUTH0_DOMAIN",
          List.of("NEXUS_AUTH0_AUDIENCE", "NEXUS_AUTH0_ROLE_CLAIM", "NEXUS_AUTH0_SPA_CLIENT_ID"),
          "NEXUS_OPENFGA_API_URL",
          List.of(
              "NEXUS_OPENFGA_STORE_ID",
              "NEXUS_OPENFGA_MODEL_ID",
              "NEXUS_OPENFGA_API_TOKEN",
              "NEXUS_OPENFGA_CLIENT_ID",
              "NEXUS_OPENFGA_CLIENT_SECRET",
              "NEXUS_OPENFGA_TOKEN_ISSUER",
              "NEXUS_OPENFGA_AUDIENCE"));

  private static void refuseSettingsWithout(Env env) {
    for (Map.Entry<String, List<String>> entry : new java.util.TreeMap<>(NEEDS).entrySet()) {
      if (env.isSet(entry.getKey())) {
        continue;
      }
      for (String dependent : entry.getValue()) {
        if (env.isSet(dependent)) {
          throw new ConfigurationException(
              dependent
                  + " is set but "
                  + entry.getKey()
                  + " is not: it has no effect alone; set "
                  + entry.getKey()
                  + " too, or unset "
                  + dependent);
        }
      }
    }
  }

  /** NEXUS_PUBLIC_URL: an absolute http(s) URL that other paths can be appended to. */
  private static Optional<URI> publicUrl(Env env) {
    Optional<URI> url = env.url("NEXUS_PUBLIC_URL");
    if (url.isPresent()
        && (url.get().getRawUserInfo() != null
            || url.get().getRawQuery() != null
            || url.get().getRawFragment() != null)) {
      throw env.invalid(
          "NEXUS_PUBLIC_URL", "an absolute http or https URL without user info, query or fragment");
    }
    return url;
  }

  /** An OpenFGA client-credentials setting, required when those credentials are in use. */
  private static Optional<String> withClientId(
      boolean credentials, String name, Optional<String> value) {
    if (credentials && value.isEmpty()) {
      throw Env.bad(name, "set with NEXUS_OPENFGA_CLIENT_ID");
    }
    return value;
  }

  /**
   * The tenant's base URL from NEXUS_AUTH0_DOMAIN: a host name (with an optional port) means {@code
   * https://} on it. A test tenant on this machine, such as the testkit's fake, may be named by a
   * full {@code http://} URL on a loopback host, but never in production.
   */
  private static URI auth0BaseUrl(Env env, boolean production) {
    String value = env.optional("NEXUS_AUTH0_DOMAIN").orElseThrow();
    String expected =
        "a host name such as tenant.eu.auth0.com (or, outside production, an http:// URL on"
            + " localhost or 127.0.0.1 for a local test tenant)";
    if (value.matches("[A-Za-z0-9.-]+(:\\d{1,5})?")) {
      return URI.create("https://" + value);
    }
    URI url;
    try {
      url = new URI(value.replaceAll("/+$", ""));
    } catch (URISyntaxException e) {
      throw env.invalid("NEXUS_AUTH0_DOMAIN", expected);
    }
    boolean loopback =
        "localhost".equals(url.getHost())
            || "127.0.0.1".equals(url.getHost())
            || "[::1]".equals(url.getHost());
    boolean bare =
        url.getRawPath().isEmpty() && url.getRawQuery() == null && url.getRawFragment() == null;
    if (!"http".equals(url.getScheme()) || !loopback || !bare || url.getUserInfo() != null) {
      throw env.invalid("NEXUS_AUTH0_DOMAIN", expected);
    }
    if (production) {
      throw env.invalid("NEXUS_AUTH0_DOMAIN", "an https tenant when NEXUS_PRODUCTION is true");
    }
    return url;
  }

  private static boolean embeddedAuthorization(Env env, boolean openFga) {
    String mode = env.string("NEXUS_AUTHORIZATION", openFga ? "openfga" : "sandbox");
    return switch (mode) {
      case "embedded" -> {
        if (openFga) {
          throw env.invalid("NEXUS_AUTHORIZATION", "openfga when NEXUS_OPENFGA_API_URL is set");
        }
        yield true;
      }
      case "openfga" -> {
        if (!openFga) {
          throw Env.bad("NEXUS_OPENFGA_API_URL", "set when NEXUS_AUTHORIZATION is openfga");
        }
        yield false;
      }
      case "sandbox" -> false;
      default -> throw env.invalid("NEXUS_AUTHORIZATION", "one of embedded, openfga, sandbox");
    };
  }

  private static Optional<OAuthClient> client(Env env, String idName, String secretName) {
    Optional<String> id = env.singleToken(idName);
    Optional<String> secret = env.singleToken(secretName);
    if (id.isEmpty()) {
      if (secret.isPresent()) {
        throw Env.bad(idName, "set with " + secretName);
      }
      return Optional.empty();
    }
    return Optional.of(
        new OAuthClient(
            id.get(), secret.orElseThrow(() -> Env.bad(secretName, "set with " + idName))));
  }

  /**
   * The parts still served by the sandbox, named by the variables that replace them. In production
   * a provider without an OAuth client is switched off rather than faked, so it is not listed.
   */
  public List<String> sandboxParts() {
    List<String> parts = new ArrayList<>();
    if (database.isEmpty()) {
      parts.add("database (NEXUS_DATABASE_URL)");
    }
    // The same test as the vault's own, so a blank variable is the sandbox's keyset here too.
    if (!VaultKeys.isConfigured(environment)) {
      parts.add("token keyset (NEXUS_VAULT_KEYSET or NEXUS_VAULT_KEYSET_FILE)");
    }
    if (auth0.isEmpty()) {
      parts.add("identity (NEXUS_AUTH0_DOMAIN)");
    }
    if (openFga.isEmpty() && !embeddedAuthorization) {
      parts.add("authorization (NEXUS_OPENFGA_API_URL, or NEXUS_AUTHORIZATION=embedded)");
    }
    if (!production && google.isEmpty()) {
      parts.add("Gmail (NEXUS_GOOGLE_CLIENT_ID)");
    }
    if (!production && notion.isEmpty()) {
      parts.add("Notion (NEXUS_NOTION_CLIENT_ID)");
    }
    if (gemini.apiKey().isEmpty()) {
      parts.add("model (NEXUS_GEMINI_API_KEY)");
    }
    return parts;
  }

  @Override
  public String toString() {
    return "ServerSettings[port="
        + port
        + ", production="
        + production
        + ", sandbox parts="
        + sandboxParts()
        + "]";
  }
}
