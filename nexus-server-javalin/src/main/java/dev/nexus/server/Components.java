package dev.nexus.server;

import dev.nexus.core.approval.ApprovalStore;
import dev.nexus.core.audit.AuditLog;
import dev.nexus.core.authorization.Authorizer;
import dev.nexus.core.authorization.RelationshipStore;
import dev.nexus.core.conversation.ConversationStore;
import dev.nexus.core.identity.Authenticator;
import dev.nexus.core.identity.OrganizationDirectory;
import dev.nexus.core.model.LanguageModel;
import dev.nexus.core.tool.Toolkit;
import dev.nexus.core.vault.ConnectionAttempts;
import dev.nexus.core.vault.TokenVault;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every adapter the server runs on, already built: the ports (the connect flows under way among
 * them, shared by every node), the toolkits, the default model and (when the deployment allows it)
 * a way to make a model from a caller's own API key, the database health check, the sandbox token
 * issuer if this is a sandbox, and what to close at shutdown (closed in reverse order).
 */
public record Components(
    Authenticator authenticator,
    OrganizationDirectory directory,
    Authorizer authorizer,
    RelationshipStore relationships,
    TokenVault vault,
    ConnectionAttempts connectionAttempts,
    ConversationStore conversations,
    ApprovalStore approvals,
    AuditLog audit,
    List<Toolkit> toolkits,
    LanguageModel defaultModel,
    Function<String, LanguageModel> modelForApiKey,
    HealthCheck database,
    Optional<SandboxIssuer> sandbox,
    Clock clock,
    List<AutoCloseable> resources) {

  public Components {
    Objects.requireNonNull(authenticator, "authenticator");
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(authorizer, "authorizer");
    Objects.requireNonNull(relationships, "relationships");
    Objects.requireNonNull(vault, "vault");
    Objects.requireNonNull(connectionAttempts, "connectionAttempts");
    Objects.requireNonNull(conversations, "conversations");
    Objects.requireNonNull(approvals, "approvals");
    Objects.requireNonNull(audit, "audit");
    toolkits = List.copyOf(toolkits);
    Objects.requireNonNull(defaultModel, "defaultModel");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(sandbox, "sandbox");
    Objects.requireNonNull(clock, "clock");
    resources = List.copyOf(resources);
  }

  /** The same components with another default model (a scripted one in tests, for example). */
  public Components withDefaultModel(LanguageModel model) {
    return new Components(
        authenticator,
        directory,
        authorizer,
        relationships,
        vault,
        connectionAttempts,
        conversations,
        approvals,
        audit,
        toolkits,
        model,
        modelForApiKey,
        database,
        sandbox,
        clock,
        resources);
  }

  /** Whether a dependency answers. */
  @FunctionalInterface
  public interface HealthCheck {
    /** Returns normally when healthy; throws with a short reason otherwise. */
    void check() throws Exception;
  }

  /** Mints sandbox access tokens; exists only in sandbox mode. */
  public interface SandboxIssuer {
    /**
     * A signed access token for {@code userId}, with an {@code org_id} claim when {@code
     * organization} is given, valid for {@code ttlSeconds}.
     */
    String mint(String userId, String email, Optional<String> organization, long ttlSeconds);

    /**
     * The account a sandbox user signs in with at the fake providers, so each user gets their own
     * seeded mailbox and workspace.
     */
    Optional<String> loginHint(String userId);
  }
}
