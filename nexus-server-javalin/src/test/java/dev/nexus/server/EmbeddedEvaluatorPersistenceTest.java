package dev.nexus.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.authz.NexusAuthorizationModel;
import dev.nexus.authz.local.LocalFgaAuthorizer;
import dev.nexus.core.authorization.CheckRequest;
import dev.nexus.core.authorization.Decision;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.vault.JdbiRelationshipStore;
import dev.nexus.vault.VaultDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The embedded evaluator's tuples outlive it: written through the evaluator into PostgreSQL, they
 * are what a fresh evaluator, on a new pool over the same database, loads and answers with. Lives
 * here because the server is the one module that sees both the evaluator and the vault.
 */
class EmbeddedEvaluatorPersistenceTest {

  private static final String ORG = "organization:acme";

  private static final List<CheckRequest> CHECKS =
      List.of(
          check("user:ana", "can_approve_calls", ORG),
          check("user:bob", "can_read_mail", ORG),
          check("user:bob", "can_send_mail", ORG),
          check("user:gus", "can_send_mail", ORG),
          check("user:gus", "can_view", "document:roadmap-q3"),
          check("user:bob", "can_view", "document:secret"),
          check("user:eve", "can_read_mail", ORG));

  /** What the checks above answer after {@link #writeTuples}: revocations and deletes included. */
  private static final List<Boolean> EXPECTED =
      List.of(true, true, false, false, true, false, false);

  @Test
  void tuplesWrittenThroughTheEvaluator_giveTheSameAnswers_afterAFreshStartOnANewPool() {
    try (VaultDatabase database = VaultDatabase.embeddedTemporary()) {
      LocalFgaAuthorizer first =
          NexusAuthorizationModel.embeddedAuthorizer(new JdbiRelationshipStore(database.jdbi()));
      writeTuples(first);
      List<Boolean> before = answers(first);

      List<Boolean> after;
      long loaded;
      try (VaultDatabase again = VaultDatabase.connect(database.settings())) {
        LocalFgaAuthorizer fresh =
            NexusAuthorizationModel.embeddedAuthorizer(new JdbiRelationshipStore(again.jdbi()));
        after = answers(fresh);
        loaded = fresh.size();
      }

      assertThat(before).isEqualTo(EXPECTED);
      assertThat(after).isEqualTo(before);
      assertThat(loaded).isEqualTo(first.size());
    }
  }

  private static void writeTuples(LocalFgaAuthorizer authorizer) {
    authorizer.write(
        List.of(
            tuple("user:ana", "admin", ORG),
            tuple("user:bob", "member", ORG),
            tuple("user:gus", "guest", ORG),
            tuple("user:eve", "member", ORG),
            tuple("user:bob", "send_mail_revoked", ORG),
            tuple(ORG, "organization", "document:roadmap"),
            tuple(ORG, "organization", "document:roadmap-q3"),
            tuple("document:roadmap", "parent", "document:roadmap-q3"),
            tuple("user:gus", "viewer", "document:roadmap"),
            tuple(ORG, "organization", "document:secret"),
            tuple("user:ana", "owner", "document:secret")),
        List.of());
    // A removed membership must not come back with the restart.
    authorizer.write(List.of(), List.of(tuple("user:eve", "member", ORG)));
  }

  private static List<Boolean> answers(LocalFgaAuthorizer authorizer) {
    return authorizer.batchCheck(CHECKS).stream().map(Decision::allowed).toList();
  }

  private static RelationshipTuple tuple(String subject, String relation, String object) {
    return RelationshipTuple.of(subject, relation, object);
  }

  private static CheckRequest check(String subject, String relation, String object) {
    RelationshipTuple asTuple = RelationshipTuple.of(subject, relation, object);
    return CheckRequest.of(asTuple.subject(), relation, asTuple.object());
  }
}
