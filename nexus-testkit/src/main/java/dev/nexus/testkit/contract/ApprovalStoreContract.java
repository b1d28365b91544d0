package dev.nexus.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.approval.Approval;
import dev.nexus.core.approval.ApprovalId;
import dev.nexus.core.approval.ApprovalStatus;
import dev.nexus.core.approval.ApprovalStore;
import dev.nexus.core.approval.ApprovalTransition;
import dev.nexus.core.conversation.ConversationId;
import dev.nexus.core.error.ConflictException;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.tool.RiskClass;
import dev.nexus.core.tool.ToolCall;
import dev.nexus.core.tool.ToolCallId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ApprovalStore} must do: organization scoping, listings, and transitions that
 * are an atomic compare-and-set (of many racing callers exactly one wins, every time).
 */
public abstract class ApprovalStoreContract {

  /** How many times each race is run. */
  protected static final int RACE_ROUNDS = 200;

  /** How many threads race in each round. */
  protected static final int RACERS = 8;

  private static final Instant T0 = Instant.parse("2026-01-01T09:00:00Z");

  private ApprovalStore store;

  /** A store for one test (it may share storage with other tests). */
  protected abstract ApprovalStore createStore();

  /**
   * Hook for adapters whose storage needs the organization, the requester and the conversation to
   * exist before an approval refers to them. It is called before every approval is made, so it must
   * be idempotent.
   */
  protected void prepare(
      OrganizationId organization, UserId requester, ConversationId conversation) {}

  @BeforeEach
  void setUp() {
    store = createStore();
  }

  @Test
  void create_thenFind_returnsTheApproval() {
    Approval approval = pending(org(), ConversationId.random(), T0);

    store.create(approval);

    assertThat(store.find(approval.organization(), approval.id())).contains(approval);
  }

  @Test
  void create_takenId_throwsConflict() {
    Approval approval = pending(org(), ConversationId.random(), T0);
    store.create(approval);

    assertThatThrownBy(() -> store.create(approval)).isInstanceOf(ConflictException.class);
  }

  @Test
  void find_fromAnotherOrganizationOrUnknownId_isEmpty() {
    Approval approval = pending(org(), ConversationId.random(), T0);
    store.create(approval);

    assertThat(store.find(org(), approval.id())).isEmpty();
    assertThat(store.find(approval.organization(), ApprovalId.random())).isEmpty();
  }

  @Test
  void list_returnsTheOrganizationsApprovalsInThatStatusOldestFirst() {
    OrganizationId organization = org();
    ConversationId conversation = ConversationId.random();
    Approval second = pending(organization, conversation, T0.plusSeconds(10));
    Approval first = pending(organization, conversation, T0);
    Approval decided = pending(organization, conversation, T0.plusSeconds(20));
    Approval elsewhere = pending(org(), ConversationId.random(), T0);
    List.of(second, first, decided, elsewhere).forEach(store::create);
    store.transition(organization, decided.id(), approve(UserId.of("boss")));

    List<Approval> pendingOnes = store.list(organization, ApprovalStatus.PENDING);
    List<Approval> approvedOnes = store.list(organization, ApprovalStatus.APPROVED);

    assertThat(pendingOnes).extracting(Approval::id).containsExactly(first.id(), second.id());
    assertThat(approvedOnes).extracting(Approval::id).containsExactly(decided.id());
  }

  @Test
  void listByConversation_returnsThatConversationsApprovalsOldestFirst() {
    OrganizationId organization = org();
    ConversationId conversation = ConversationId.random();
    Approval later = pending(organization, conversation, T0.plusSeconds(5));
    Approval earlier = pending(organization, conversation, T0);
    Approval otherConversation = pending(organization, ConversationId.random(), T0);
    List.of(later, earlier, otherConversation).forEach(store::create);

    List<Approval> found = store.listByConversation(organization, conversation);

    assertThat(found).extracting(Approval::id).containsExactly(earlier.id(), later.id());
    assertThat(store.listByConversation(org(), conversation)).isEmpty();
  }

  @Test
  void transition_fromTheCurrentStatus_movesAndRecordsTheDecision() {
    Approval approval = pending(org(), ConversationId.random(), T0);
    store.create(approval);
    UserId boss = UserId.of("boss");

    Optional<Approval> moved =
        store.transition(approval.organization(), approval.id(), approve(boss));

    Approval expected =
        approval.after(
            new ApprovalTransition(
                ApprovalStatus.PENDING, ApprovalStatus.APPROVED, boss, T0.plusSeconds(30), null));
    assertThat(moved).contains(expected);
    assertThat(store.find(approval.organization(), approval.id())).contains(expected);
  }

  @Test
  void transition_throughExecution_keepsTheDecisionAndRecordsTheOutcome() {
    Approval approval = pending(org(), ConversationId.random(), T0);
    store.create(approval);
    UserId boss = UserId.of("boss");
    store.transition(approval.organization(), approval.id(), approve(boss));

    store.transition(
        approval.organization(),
        approval.id(),
        new ApprovalTransition(
            ApprovalStatus.APPROVED, ApprovalStatus.EXECUTING, null, T0.plusSeconds(31), null));
    Optional<Approval> failed =
        store.transition(
            approval.organization(),
            approval.id(),
            new ApprovalTransition(
                ApprovalStatus.EXECUTING,
                ApprovalStatus.FAILED,
                null,
                T0.plusSeconds(32),
                "the provider refused the call"));

    assertThat(failed).isPresent();
    assertThat(failed.get().status()).isEqualTo(ApprovalStatus.FAILED);
    assertThat(failed.get().decidedBy()).isEqualTo(boss);
    assertThat(failed.get().decidedAt()).isEqualTo(T0.plusSeconds(30));
    assertThat(failed.get().outcome()).isEqualTo("the provider refused the call");
    assertThat(store.find(approval.organization(), approval.id())).isEqualTo(failed);
  }

  @Test
  void transition_fromAnotherStatus_isRefusedAndChangesNothing() {
    Approval approval = pending(org(), ConversationId.random(), T0);
    store.create(approval);
    store.transition(approval.organization(), approval.id(), approve(UserId.of("boss")));
    Approval approved = store.find(approval.organization(), approval.id()).orElseThrow();

    Optional<Approval> denied =
        store.transition(
            approval.organization(),
            approval.id(),
            new ApprovalTransition(
                ApprovalStatus.PENDING, ApprovalStatus.DENIED, UserId.of("other"), T0, null));

    assertThat(denied).isEmpty();
    assertThat(store.find(approval.organization(), approval.id())).contains(approved);
  }

  @Test
  void transition_fromAnotherOrganization_isRefusedAndChangesNothing() {
    Approval approval = pending(org(), ConversationId.random(), T0);
    store.create(approval);

    Optional<Approval> moved =
        store.transition(org(), approval.id(), approve(UserId.of("intruder")));

    assertThat(moved).isEmpty();
    assertThat(store.find(approval.organization(), approval.id())).contains(approval);
  }

  @Test
  void transition_unknownId_isEmpty() {
    assertThat(store.transition(org(), ApprovalId.random(), approve(UserId.of("boss")))).isEmpty();
  }

  @Test
  void transition_manyApproversRacing_exactlyOneWinsEveryRound() {
    OrganizationId organization = org();
    ConversationId conversation = ConversationId.random();

    for (int round = 0; round < RACE_ROUNDS; round++) {
      Approval approval = pending(organization, conversation, T0.plusMillis(round));
      store.create(approval);

      List<Optional<Approval>> results =
          Concurrently.run(
              RACERS,
              i ->
                  store.transition(
                      organization, approval.id(), approve(UserId.of("approver" + i))));

      List<Approval> winners = results.stream().flatMap(Optional::stream).toList();
      assertThat(winners).as("round " + round).hasSize(1);
      assertThat(store.find(organization, approval.id()).orElseThrow().decidedBy())
          .as("round " + round)
          .isEqualTo(winners.get(0).decidedBy());
    }
  }

  @Test
  void transition_approveAndDenyRacing_exactlyOneDecisionStands() {
    OrganizationId organization = org();
    ConversationId conversation = ConversationId.random();

    for (int round = 0; round < RACE_ROUNDS; round++) {
      Approval approval = pending(organization, conversation, T0.plusMillis(round));
      store.create(approval);

      List<Optional<Approval>> results =
          Concurrently.run(
              RACERS,
              i ->
                  store.transition(
                      organization,
                      approval.id(),
                      new ApprovalTransition(
                          ApprovalStatus.PENDING,
                          i % 2 == 0 ? ApprovalStatus.APPROVED : ApprovalStatus.DENIED,
                          UserId.of("decider" + i),
                          T0,
                          null)));

      List<Approval> winners = results.stream().flatMap(Optional::stream).toList();
      assertThat(winners).as("round " + round).hasSize(1);
      assertThat(store.find(organization, approval.id()).orElseThrow().status())
          .as("round " + round)
          .isEqualTo(winners.get(0).status());
    }
  }

  @Test
  void transition_manyExecutorsRacing_exactlyOneStartsExecution() {
    OrganizationId organization = org();
    ConversationId conversation = ConversationId.random();

    for (int round = 0; round < RACE_ROUNDS; round++) {
      Approval approval = pending(organization, conversation, T0.plusMillis(round));
      store.create(approval);
      store.transition(organization, approval.id(), approve(UserId.of("boss")));

      List<Optional<Approval>> results =
          Concurrently.run(
              RACERS,
              i ->
                  store.transition(
                      organization,
                      approval.id(),
                      new ApprovalTransition(
                          ApprovalStatus.APPROVED, ApprovalStatus.EXECUTING, null, T0, null)));

      assertThat(results.stream().filter(Optional::isPresent).count())
          .as("round " + round)
          .isEqualTo(1);
    }
  }

  private OrganizationId org() {
    return OrganizationId.of(Unique.id("acme"));
  }

  private Approval pending(OrganizationId organization, ConversationId conversation, Instant at) {
    UserId requester = UserId.of("alice");
    prepare(organization, requester, conversation);
    ToolCall call =
        new ToolCall(
            ToolCallId.random(),
            "gmail_send",
            Map.of("to", List.of("bob@acme.test"), "subject", "Numbers", "draft", false));
    return Approval.pending(
        organization,
        conversation,
        requester,
        Role.MEMBER,
        call,
        RiskClass.WRITE,
        at,
        at.plus(Duration.ofMinutes(15)));
  }

  private static ApprovalTransition approve(UserId approver) {
    return new ApprovalTransition(
        ApprovalStatus.PENDING, ApprovalStatus.APPROVED, approver, T0.plusSeconds(30), null);
  }
}
