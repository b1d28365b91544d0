package dev.nexus.server;

import dev.nexus.agent.langchain4j.GeminiLanguageModels;
import dev.nexus.agent.offline.OfflineSandboxModel;
import dev.nexus.authz.NexusAuthorizationModel;
import dev.nexus.authz.auth0.Auth0Authenticator;
import dev.nexus.authz.auth0.Auth0TokenPolicy;
import dev.nexus.authz.auth0.PersonalOrganizations;
import dev.nexus.authz.local.LocalFgaAuthorizer;
import dev.nexus.authz.openfga.OpenFgaAuthorizer;
import dev.nexus.authz.openfga.OpenFgaCredentials;
import dev.nexus.authz.openfga.OpenFgaSettings;
import dev.nexus.connectors.gmail.GmailSettings;
import dev.nexus.connectors.gmail.GmailToolkit;
import dev.nexus.connectors.gmail.GoogleOAuthSettings;
import dev.nexus.connectors.notion.NotionSettings;
import dev.nexus.connectors.notion.NotionToolkit;
import dev.nexus.core.authorization.Authorizer;
import dev.nexus.core.authorization.RelationshipStore;
import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.identity.Authenticator;
import dev.nexus.core.model.LanguageModel;
import dev.nexus.core.tool.Toolkit;
import dev.nexus.core.vault.Secret;
import dev.nexus.core.vault.TokenRefresher;
import dev.nexus.server.Components.SandboxIssuer;
import dev.nexus.testkit.auth0.FakeAuth0Server;
import dev.nexus.testkit.gmail.FakeGmailServer;
import dev.nexus.testkit.notion.FakeNotionServer;
import dev.nexus.vault.DatabaseSettings;
import dev.nexus.vault.GrantCipher;
import dev.nexus.vault.JdbiApprovalStore;
import dev.nexus.vault.JdbiAuditLog;
import dev.nexus.vault.JdbiConnectionAttempts;
import dev.nexus.vault.JdbiConversationStore;
import dev.nexus.vault.JdbiOrganizationDirectory;
import dev.nexus.vault.JdbiRelationshipStore;
import dev.nexus.vault.JdbiTokenVault;
import dev.nexus.vault.PoolSettings;
import dev.nexus.vault.VaultDatabase;
import dev.nexus.vault.VaultKeys;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the server's {@link Components} from its settings, part by part: each part is the real
 * service when its settings are present and the embedded sandbox stand-in otherwise.
 */
public final class Wiring {

  private static final Logger LOG = LoggerFactory.getLogger(Wiring.class);
  private static final String SANDBOX_AUDIENCE = "https://nexus.sandbox/api";

  /** Sandbox users are named {@code sandbox|<email>}. */
  public static final String SANDBOX_USER_PREFIX = "sandbox|";

  private Wiring() {}

  /**
   * Builds every component. On failure whatever was already started is closed again.
   *
   * @throws ConfigurationException when a setting is unusable
   */
  public static Components assemble(ServerSettings settings) {
    return assemble(settings, null);
  }

  /**
   * Builds every component, using {@code shared} sandbox services (not closed with the server)
   * instead of starting new ones where a sandbox part is in use.
   */
  public static Components assemble(ServerSettings settings, SandboxServices shared) {
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      return assemble(settings, shared, resources);
    } catch (RuntimeException e) {
      for (int i = resources.size() - 1; i >= 0; i--) {
        try {
          resources.get(i).close();
        } catch (Exception closing) {
          e.addSuppressed(closing);
        }
      }
      throw e;
    }
  }

  private static Components assemble(
      ServerSettings settings, SandboxServices shared, List<AutoCloseable> resources) {
    Clock clock = Clock.systemUTC();
    boolean needsSandbox =
        !settings.production()
            && (settings.auth0().isEmpty()
                || settings.google().isEmpty()
                || settings.notion().isEmpty());
    SandboxServices fakes = shared;
    if (fakes == null && needsSandbox) {
      fakes = SandboxServices.start(clock);
      resources.add(fakes);
    }

    VaultDatabase database = database(settings);
    resources.add(database);
    GrantCipher cipher =
        settings.sandboxParts().stream().anyMatch(p -> p.startsWith("token keyset"))
            ? VaultKeys.sandbox(settings.dataDirectory())
            : VaultKeys.fromEnvironment(settings.environment());

    JdbiAuditLog audit = new JdbiAuditLog(database.jdbi());
    JdbiOrganizationDirectory directory = new JdbiOrganizationDirectory(database.jdbi());
    Authorizer authorizer;
    RelationshipStore relationships;
    if (settings.openFga().isPresent()) {
      OpenFgaAuthorizer openFga = new OpenFgaAuthorizer(openFgaSettings(settings.openFga().get()));
      if (settings.openFga().get().modelId().isEmpty()) {
        String modelId = openFga.writeNexusModel();
        LOG.info(
            "wrote the Nexus model to OpenFGA as {}; set NEXUS_OPENFGA_MODEL_ID to pin it",
            modelId);
      }
      authorizer = openFga;
      relationships = openFga;
    } else {
      LocalFgaAuthorizer local =
          LocalFgaAuthorizer.writingThrough(
              NexusAuthorizationModel.model(), new JdbiRelationshipStore(database.jdbi()));
      authorizer = local;
      relationships = local;
    }

    PersonalOrganizations personal =
        new PersonalOrganizations(authorizer, relationships, directory, audit, clock);
    Optional<SandboxIssuer> sandbox = Optional.empty();
    Auth0TokenPolicy policy;
    if (settings.auth0().isPresent()) {
      ServerSettings.Auth0 auth0 = settings.auth0().get();
      policy = Auth0TokenPolicy.forTenant(auth0.baseUrl().toString(), auth0.audience());
      if (auth0.roleClaim().isPresent()) {
        policy = policy.withRoleClaim(auth0.roleClaim().get());
      }
    } else {
      FakeAuth0Server issuer = fakes.auth0();
      policy = Auth0TokenPolicy.forTenant(issuer.baseUrl(), SANDBOX_AUDIENCE);
      sandbox = Optional.of(sandboxIssuer(issuer, clock));
    }
    Authenticator authenticator =
        new Auth0Authenticator(
            policy, Auth0Authenticator.keySet(policy), authorizer, personal, clock);

    List<Toolkit> toolkits = new ArrayList<>();
    gmail(settings, fakes, resources).ifPresent(toolkits::add);
    notion(settings, fakes).ifPresent(toolkits::add);
    List<TokenRefresher> refreshers = new ArrayList<>();
    toolkits.forEach(t -> t.oauthProvider().ifPresent(refreshers::add));
    JdbiTokenVault vault =
        JdbiTokenVault.builder(database.jdbi(), cipher).refreshers(refreshers).clock(clock).build();

    GeminiLanguageModels gemini = geminiModels(settings.gemini());
    LanguageModel defaultModel =
        settings.gemini().apiKey().isPresent()
            ? gemini.forKey(settings.gemini().apiKey().get())
            : new OfflineSandboxModel();

    return new Components(
        authenticator,
        directory,
        authorizer,
        relationships,
        vault,
        new JdbiConnectionAttempts(database.jdbi(), cipher),
        new JdbiConversationStore(database.jdbi()),
        new JdbiApprovalStore(database.jdbi()),
        audit,
        toolkits,
        defaultModel,
        gemini::forKey,
        () -> database.jdbi().withHandle(h -> h.createQuery("select 1").mapTo(Integer.class).one()),
        sandbox,
        clock,
        resources);
  }

  private static VaultDatabase database(ServerSettings settings) {
    if (settings.database().isEmpty()) {
      return VaultDatabase.embedded(settings.dataDirectory().resolve("postgres"));
    }
    ServerSettings.Database db = settings.database().get();
    return VaultDatabase.connect(
        new DatabaseSettings(
            db.jdbcUrl(),
            db.ownerUser(),
            db.ownerPassword() == null ? null : Secret.of(db.ownerPassword()),
            db.appUser(),
            db.appPassword() == null ? null : Secret.of(db.appPassword()),
            PoolSettings.defaults()));
  }

  private static OpenFgaSettings openFgaSettings(ServerSettings.OpenFga fga) {
    OpenFgaCredentials credentials;
    if (fga.apiToken().isPresent()) {
      credentials = new OpenFgaCredentials.ApiToken(fga.apiToken().get());
    } else if (fga.clientId().isPresent()) {
      credentials =
          new OpenFgaCredentials.ClientCredentials(
              fga.tokenIssuer().orElseThrow(() -> missing("NEXUS_OPENFGA_TOKEN_ISSUER")),
              fga.audience().orElseThrow(() -> missing("NEXUS_OPENFGA_AUDIENCE")),
              fga.clientId().get(),
              fga.clientSecret().orElseThrow(() -> missing("NEXUS_OPENFGA_CLIENT_SECRET")));
    } else {
      credentials = new OpenFgaCredentials.None();
    }
    OpenFgaSettings openFga = OpenFgaSettings.of(fga.apiUrl(), fga.storeId(), credentials);
    return fga.modelId().map(openFga::withAuthorizationModelId).orElse(openFga);
  }

  private static ConfigurationException missing(String name) {
    return new ConfigurationException(name + " must be set with NEXUS_OPENFGA_CLIENT_ID");
  }

  private static SandboxIssuer sandboxIssuer(FakeAuth0Server issuer, Clock clock) {
    return new SandboxIssuer() {
      @Override
      public String mint(
          String userId, String email, Optional<String> organization, long ttlSeconds) {
        Instant now = clock.instant();
        FakeAuth0Server.TokenBuilder token =
            issuer
                .token()
                .subject(userId)
                .audience(SANDBOX_AUDIENCE)
                .issuedAt(now)
                .expiresAt(now.plusSeconds(ttlSeconds))
                .claim("email", email);
        organization.ifPresent(token::organization);
        return token.sign();
      }

      @Override
      public Optional<String> loginHint(String userId) {
        return userId.startsWith(SANDBOX_USER_PREFIX)
            ? Optional.of(userId.substring(SANDBOX_USER_PREFIX.length()))
            : Optional.empty();
      }
    };
  }

  private static Optional<Toolkit> gmail(
      ServerSettings settings, SandboxServices fakes, List<AutoCloseable> resources) {
    if (settings.google().isPresent()) {
      ServerSettings.OAuthClient client = settings.google().get();
      GmailToolkit toolkit =
          new GmailToolkit(
              GmailSettings.defaults(
                  GoogleOAuthSettings.google(client.clientId(), Secret.of(client.clientSecret()))));
      resources.add(toolkit);
      return Optional.of(toolkit);
    }
    if (settings.production()) {
      return Optional.empty();
    }
    FakeGmailServer fake = fakes.gmail();
    URI base = fake.baseUri();
    GmailToolkit toolkit =
        new GmailToolkit(
            GmailSettings.defaults(
                    GoogleOAuthSettings.google(
                            FakeGmailServer.DEFAULT_CLIENT_ID,
                            Secret.of(FakeGmailServer.DEFAULT_CLIENT_SECRET))
                        .withEndpointsAt(base))
                .withApiRoot(base));
    resources.add(toolkit);
    return Optional.of(toolkit);
  }

  private static Optional<Toolkit> notion(ServerSettings settings, SandboxServices fakes) {
    if (settings.notion().isPresent()) {
      ServerSettings.OAuthClient client = settings.notion().get();
      return Optional.of(
          new NotionToolkit(
              NotionSettings.forNotion(client.clientId(), Secret.of(client.clientSecret()))));
    }
    if (settings.production()) {
      return Optional.empty();
    }
    FakeNotionServer fake = fakes.notion();
    return Optional.of(
        new NotionToolkit(
            NotionSettings.atBase(
                URI.create(fake.baseUrl() + "/"),
                FakeNotionServer.CLIENT_ID,
                Secret.of(FakeNotionServer.CLIENT_SECRET))));
  }

  private static GeminiLanguageModels geminiModels(ServerSettings.Gemini gemini) {
    GeminiLanguageModels.Builder builder =
        GeminiLanguageModels.builder().modelName(gemini.model()).timeout(gemini.timeout());
    gemini.baseUrl().ifPresent(url -> builder.baseUrl(url.toString().replaceAll("/+$", "")));
    return builder.build();
  }
}
