package dev.nexus.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.approval.ApprovalStatus;
import dev.nexus.core.approval.ApprovalTransition;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.core.authorization.SubjectRef;
import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.identity.Credential;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.vault.GrantKey;
import dev.nexus.core.vault.GrantStatus;
import dev.nexus.core.vault.OAuthGrant;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.core.vault.Secret;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DomainTest {

  @Test
  void roles_includeTheRolesBelowThem() {
    assertThat(Role.ADMIN.includes(Role.MANAGER)).isTrue();
    assertThat(Role.MANAGER.includes(Role.GUEST)).isTrue();
    assertThat(Role.MEMBER.includes(Role.MANAGER)).isFalse();
    assertThat(Role.GUEST.includes(Role.MEMBER)).isFalse();
    assertThat(Role.parse(" Manager ")).isEqualTo(Role.MANAGER);
    assertThatThrownBy(() -> Role.parse("owner")).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void identifiers_refuseWhatCannotBeAnObjectId() {
    assertThat(UserId.of("auth0|abc-123").value()).isEqualTo("auth0|abc-123");
    assertThatThrownBy(() -> new OrganizationId("acme:evil"))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> new OrganizationId("a b")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> new OrganizationId(""))
        .hasMessage("organization id must not be empty");
    assertThatThrownBy(() -> new OrganizationId("x".repeat(129)))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void approvalStatus_onlyTheDocumentedMovesAreAllowed() {
    assertThat(ApprovalStatus.PENDING.successors())
        .containsExactlyInAnyOrder(
            ApprovalStatus.APPROVED, ApprovalStatus.DENIED, ApprovalStatus.EXPIRED);
    assertThat(ApprovalStatus.APPROVED.successors()).containsExactly(ApprovalStatus.EXECUTING);
    assertThat(ApprovalStatus.EXECUTING.successors())
        .containsExactlyInAnyOrder(
            ApprovalStatus.EXECUTED, ApprovalStatus.FAILED, ApprovalStatus.OUTCOME_UNKNOWN);
    assertThat(ApprovalStatus.EXECUTED.isFinal()).isTrue();
    assertThatThrownBy(
            () ->
                new ApprovalTransition(
                    ApprovalStatus.PENDING, ApprovalStatus.EXECUTING, null, Instant.EPOCH, null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("an approval cannot move from PENDING to EXECUTING");
  }

  @Test
  void tuples_parseOpenFgaForms() {
    RelationshipTuple tuple = RelationshipTuple.of("group:eng#member", "viewer", "document:42");

    assertThat(tuple.subject().userset()).contains("member");
    assertThat(tuple.toString()).isEqualTo("group:eng#member viewer document:42");
    assertThat(SubjectRef.parse("user:*").isWildcard()).isTrue();
    assertThatThrownBy(() -> SubjectRef.parse("user:*#member"))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> RelationshipTuple.of("user:a", "Viewer", "document:1"))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void secrets_neverPrintTheirValue() {
    Secret secret = Secret.of("ya29.very-secret");
    GrantKey key = new GrantKey(OrganizationId.of("acme"), UserId.of("ann"), ProviderId.GMAIL);
    OAuthGrant grant =
        new OAuthGrant(
            key,
            secret,
            Secret.of("1//refresh-secret"),
            Instant.EPOCH,
            Set.of("gmail.readonly"),
            "ann@acme.test",
            GrantStatus.ACTIVE,
            Instant.EPOCH);

    assertThat(secret.toString()).doesNotContain("very-secret");
    assertThat(grant.toString()).doesNotContain("very-secret").doesNotContain("refresh-secret");
    assertThat(Credential.bearer("eyJ.secret").toString()).doesNotContain("secret");
    assertThat(secret).isEqualTo(Secret.of("ya29.very-secret")).isNotEqualTo(Secret.of("other"));
  }
}
