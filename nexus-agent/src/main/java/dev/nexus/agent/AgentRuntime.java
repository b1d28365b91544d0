package dev.nexus.agent;

import dev.nexus.agent.AgentEvent.ApprovalRequired;
import dev.nexus.agent.AgentEvent.AwaitingApproval;
import dev.nexus.agent.AgentEvent.TextDelta;
import dev.nexus.agent.AgentEvent.ToolCallDenied;
import dev.nexus.agent.AgentEvent.ToolCallRequested;
import dev.nexus.agent.AgentEvent.ToolResultReady;
import dev.nexus.agent.AgentEvent.TurnCompleted;
import dev.nexus.agent.AgentEvent.TurnFailed;
import dev.nexus.core.approval.Approval;
import dev.nexus.core.approval.ApprovalId;
import dev.nexus.core.approval.ApprovalStatus;
import dev.nexus.core.approval.ApprovalStore;
import dev.nexus.core.approval.ApprovalTransition;
import dev.nexus.core.audit.AuditAction;
import dev.nexus.core.audit.AuditEvent;
import dev.nexus.core.audit.AuditLog;
import dev.nexus.core.authorization.Authorizer;
import dev.nexus.core.authorization.Capability;
import dev.nexus.core.authorization.CheckRequest;
import dev.nexus.core.authorization.Decision;
import dev.nexus.core.conversation.ChatMessage;
import dev.nexus.core.conversation.ChatMessage.AssistantMessage;
import dev.nexus.core.conversation.ChatMessage.ToolResultMessage;
import dev.nexus.core.conversation.ChatMessage.UserMessage;
import dev.nexus.core.conversation.Conversation;
import dev.nexus.core.conversation.ConversationId;
import dev.nexus.core.conversation.ConversationStore;
import dev.nexus.core.error.AccessDeniedException;
import dev.nexus.core.error.ConflictException;
import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.error.NexusException;
import dev.nexus.core.error.NotFoundException;
import dev.nexus.core.error.OutcomeUnknownException;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Principal;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.model.LanguageModel;
import dev.nexus.core.model.ModelRequest;
import dev.nexus.core.model.ModelResponse;
import dev.nexus.core.tool.Tool;
import dev.nexus.core.tool.ToolCall;
import dev.nexus.core.tool.ToolCallId;
import dev.nexus.core.tool.ToolContext;
import dev.nexus.core.tool.ToolResult;
import dev.nexus.core.tool.ToolSpec;
import dev.nexus.core.tool.Toolkit;
import dev.nexus.core.vault.TokenVault;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs chat turns for principals: the model proposes, the guard disposes. Each turn shows the model
 * only the tools the principal may use, puts every call it asks for through the {@link ToolGuard},
 * runs read calls at once and parks write calls as approvals that only a person can decide through
 * {@link #approve} or {@link #deny}. Every decision is appended to the audit log.
 *
 * <p>The runtime keeps no state between calls: conversations, approvals and the audit log live in
 * their stores, so any number of runtimes over the same stores serve the same organizations, and an
 * approval executes once whichever runtime receives it.
 *
 * <p>Limitations: two turns posted to the same conversation at the same moment are not serialized
 * against each other; a caller that needs that serializes turns per conversation.
 */
public final class AgentRuntime {

  private final LanguageModel model;
  private final Authorizer authorizer;
  private final ConversationStore conversations;
  private final ApprovalStore approvals;
  private final AuditLog audit;
  private final TokenVault vault;
  private final ToolRegistry tools;
  private final ToolGuard guard;
  private final Clock clock;
  private final AgentSettings settings;

  private AgentRuntime(Builder builder) {
    this.model = Objects.requireNonNull(builder.model, "model");
    this.authorizer = Objects.requireNonNull(builder.authorizer, "authorizer");
    this.conversations = Objects.requireNonNull(builder.conversations, "conversations");
    this.approvals = Objects.requireNonNull(builder.approvals, "approvals");
    this.audit = Objects.requireNonNull(builder.audit, "audit");
    this.vault = Objects.requireNonNull(builder.vault, "vault");
    this.clock = Objects.requireNonNull(builder.clock, "clock");
    this.settings = Objects.requireNonNull(builder.settings, "settings");
    this.tools = ToolRegistry.of(builder.toolkits);
    this.guard = new ToolGuard(tools, authorizer, builder.limiter);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts an empty conversation owned by {@code principal}. */
  public Conversation startConversation(Principal principal, String title) {
    String cleanTitle = title == null || title.isBlank() ? "New conversation" : title.strip();
    if (cleanTitle.length() > 200) {
      throw new InvalidInputException("conversation title must be at most 200 characters");
    }
    Conversation conversation =
        Conversation.start(principal.organization(), principal.user(), cleanTitle, clock.instant());
    conversations.create(conversation);
    return conversation;
  }

  /**
   * The principal's own conversation.
   *
   * @throws NotFoundException when it does not exist, belongs to another organization, or to
   *     another user
   */
  public Conversation conversation(Principal principal, ConversationId id) {
    Conversation conversation = find(principal, id);
    // A conversation waiting for calls that expired or were cut off by a crash is settled first,
    // so the person sees what became of them instead of a conversation stuck waiting.
    if (!conversation.unansweredToolCalls().isEmpty() && sweep(principal.organization()) > 0) {
      conversation = find(principal, id);
    }
    return conversation;
  }

  private Conversation find(Principal principal, ConversationId id) {
    return conversations
        .find(principal.organization(), id)
        .filter(c -> c.owner().equals(principal.user()))
        .orElseThrow(() -> new NotFoundException("conversation " + id + " was not found"));
  }

  /** The tools {@code principal} may use, as the model would see them. */
  public List<ToolSpec> visibleTools(Principal principal) {
    List<Tool> all = tools.all();
    List<CheckRequest> checks =
        all.stream().map(t -> t.spec().capability().checkFor(principal)).toList();
    List<Decision> decisions = authorizer.batchCheck(checks);
    List<ToolSpec> visible = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      if (decisions.get(i).allowed()) {
        visible.add(all.get(i).spec());
      }
    }
    return visible;
  }

  /**
   * Posts the person's message and runs the turn until the model answers, a call needs approval, or
   * the step limit is reached. The same as {@code prepareChat(principal, id, text).run(events)}.
   *
   * @throws NotFoundException when the conversation is not the principal's
   * @throws ConflictException when the conversation still waits for approvals
   */
  public TurnResult chat(
      Principal principal, ConversationId id, String text, Consumer<AgentEvent> events) {
    return prepareChat(principal, id, text).run(events);
  }

  /**
   * Checks a chat turn without running it: the text is not blank, the conversation is the
   * principal's and waits for no approval. A server calls this before it commits to an answer (for
   * example before it opens an event stream), so those refusals still become proper errors; the
   * conversation read here is the one the turn runs on.
   *
   * @throws InvalidInputException when the text is blank
   * @throws NotFoundException when the conversation is not the principal's
   * @throws ConflictException when the conversation still waits for approvals
   */
  public PreparedTurn prepareChat(Principal principal, ConversationId id, String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidInputException("message text must not be empty");
    }
    Conversation conversation = conversation(principal, id);
    if (!conversation.unansweredToolCalls().isEmpty()) {
      throw new ConflictException(
          "conversation " + id + " is waiting for approvals; decide them before writing more");
    }
    return new PreparedTurn(principal, conversation, text);
  }

  /**
   * A chat turn that passed {@link #prepareChat}'s checks and has not run yet. It runs at most
   * once.
   */
  public final class PreparedTurn {
    private final Principal principal;
    private final Conversation conversation;
    private final String text;
    private boolean ran;

    private PreparedTurn(Principal principal, Conversation conversation, String text) {
      this.principal = principal;
      this.conversation = conversation;
      this.text = text;
    }

    /**
     * Posts the message and runs the turn.
     *
     * @throws IllegalStateException when this turn already ran
     */
    public synchronized TurnResult run(Consumer<AgentEvent> events) {
      if (ran) {
        throw new IllegalStateException("this turn already ran");
      }
      ran = true;
      Transcript transcript = new Transcript(conversation);
      transcript.add(new UserMessage(text));
      return runTurn(principal, transcript, events);
    }
  }

  /**
   * Approves a parked call: it runs exactly once, as the person who asked for it, its result is
   * appended, and the turn resumes when nothing else is pending. Only the requester, or someone
   * holding {@link Capability#APPROVE_CALLS} in the same organization, may approve; a guest's call
   * needs the latter.
   *
   * @throws NotFoundException when the approval is not in the principal's organization
   * @throws AccessDeniedException when the principal may not decide it
   * @throws ConflictException when it was already decided or has expired
   */
  public TurnResult approve(Principal principal, ApprovalId id, Consumer<AgentEvent> events) {
    Approval approval = decidable(principal, id);
    Instant now = clock.instant();
    Approval approved =
        approvals
            .transition(
                principal.organization(),
                id,
                new ApprovalTransition(
                    ApprovalStatus.PENDING, ApprovalStatus.APPROVED, principal.user(), now, null))
            .orElseThrow(() -> alreadyDecided(principal.organization(), id));
    record(approved, principal.user(), AuditAction.APPROVAL_GRANTED, Map.of());

    Approval executing =
        approvals
            .transition(
                principal.organization(),
                id,
                new ApprovalTransition(
                    ApprovalStatus.APPROVED, ApprovalStatus.EXECUTING, principal.user(), now, null))
            .orElseThrow(() -> alreadyDecided(principal.organization(), id));

    Principal requester = requesterOf(executing);
    ToolResult result = executeApproved(requester, executing);
    ApprovalStatus end =
        switch (result.status()) {
          case SUCCESS -> ApprovalStatus.EXECUTED;
          case ERROR -> ApprovalStatus.FAILED;
          case OUTCOME_UNKNOWN -> ApprovalStatus.OUTCOME_UNKNOWN;
        };
    Optional<Approval> ended =
        approvals.transition(
            principal.organization(),
            id,
            new ApprovalTransition(
                ApprovalStatus.EXECUTING,
                end,
                principal.user(),
                clock.instant(),
                shortOutcome(result)));
    if (ended.isEmpty()) {
      // The call ran longer than the execution timeout and a sweep already told the conversation
      // its outcome is unknown; a second answer to the same call would confuse the model.
      String message =
          "The call took longer than "
              + settings.executionTimeout().toSeconds()
              + " seconds and was reported as of unknown outcome; it finished as "
              + shortOutcome(result)
              + ".";
      events.accept(
          new ToolResultReady(executing.call().id(), executing.call().toolName(), result));
      return fail(executing.conversation(), message, events);
    }
    return answerAndResume(requester, executing, result, events);
  }

  /**
   * Declines a parked call: it never runs, the model is told the person declined, and the turn
   * resumes when nothing else is pending. Who may deny is decided as for {@link #approve}.
   *
   * @throws NotFoundException when the approval is not in the principal's organization
   * @throws AccessDeniedException when the principal may not decide it
   * @throws ConflictException when it was already decided or has expired
   */
  public TurnResult deny(Principal principal, ApprovalId id, Consumer<AgentEvent> events) {
    decidable(principal, id);
    Approval denied =
        approvals
            .transition(
                principal.organization(),
                id,
                new ApprovalTransition(
                    ApprovalStatus.PENDING,
                    ApprovalStatus.DENIED,
                    principal.user(),
                    clock.instant(),
                    "declined"))
            .orElseThrow(() -> alreadyDecided(principal.organization(), id));
    record(denied, principal.user(), AuditAction.APPROVAL_DECLINED, Map.of());
    ToolResult result =
        ToolResult.error("The person declined this call, so it did not run. Do not retry it.");
    return answerAndResume(requesterOf(denied), denied, result, events);
  }

  /**
   * Expires the organization's pending approvals whose time ran out, telling each conversation that
   * the call did not run; declares the outcome unknown for calls that have been executing for
   * longer than the execution timeout (for example after a crash mid-call); and fails approved
   * calls that were never started within that time (a crash between approving and starting), which
   * certainly did not run. None of these calls is ever sent again. Returns how many approvals
   * changed.
   */
  public int sweep(OrganizationId organization) {
    Instant now = clock.instant();
    int changed = 0;
    for (Approval approval : approvals.list(organization, ApprovalStatus.APPROVED)) {
      if (pastExecutionTimeout(approval, now) && abandon(approval, now)) {
        changed++;
      }
    }
    for (Approval approval : approvals.list(organization, ApprovalStatus.PENDING)) {
      if (approval.isOverdue(now) && expire(approval, now)) {
        changed++;
      }
    }
    for (Approval approval : approvals.list(organization, ApprovalStatus.EXECUTING)) {
      if (pastExecutionTimeout(approval, now)) {
        Optional<Approval> unknown =
            approvals.transition(
                organization,
                approval.id(),
                new ApprovalTransition(
                    ApprovalStatus.EXECUTING,
                    ApprovalStatus.OUTCOME_UNKNOWN,
                    null,
                    now,
                    "interrupted while executing"));
        if (unknown.isPresent()) {
          record(unknown.get(), null, AuditAction.TOOL_CALL_FAILED, Map.of("outcome", "unknown"));
          appendResult(
              unknown.get(),
              ToolResult.outcomeUnknown(
                  "This call was interrupted while it ran; whether it took effect is unknown."
                      + " It will not be sent again. Ask the person to check."));
          changed++;
        }
      }
    }
    return changed;
  }

  /** Whether the approval was decided (or, undecided, created) an execution timeout ago. */
  private boolean pastExecutionTimeout(Approval approval, Instant now) {
    Instant since = approval.decidedAt() == null ? approval.createdAt() : approval.decidedAt();
    return !now.isBefore(since.plus(settings.executionTimeout()));
  }

  /** Ends an approved call that was never started: it is claimed, then failed, never run. */
  private boolean abandon(Approval approval, Instant now) {
    Optional<Approval> claimed =
        approvals.transition(
            approval.organization(),
            approval.id(),
            new ApprovalTransition(
                ApprovalStatus.APPROVED, ApprovalStatus.EXECUTING, null, now, null));
    if (claimed.isEmpty()) {
      return false;
    }
    Optional<Approval> failed =
        approvals.transition(
            approval.organization(),
            approval.id(),
            new ApprovalTransition(
                ApprovalStatus.EXECUTING,
                ApprovalStatus.FAILED,
                null,
                now,
                "interrupted before it ran"));
    if (failed.isEmpty()) {
      return false;
    }
    record(failed.get(), null, AuditAction.TOOL_CALL_FAILED, Map.of("reason", "never started"));
    appendResult(
        failed.get(),
        ToolResult.error(
            "This call was approved, but the server stopped before running it, so it did not run."
                + " Ask the person whether to try again."));
    return true;
  }

  private boolean expire(Approval approval, Instant now) {
    Optional<Approval> expired =
        approvals.transition(
            approval.organization(),
            approval.id(),
            new ApprovalTransition(
                ApprovalStatus.PENDING, ApprovalStatus.EXPIRED, null, now, "expired"));
    if (expired.isEmpty()) {
      return false;
    }
    record(expired.get(), null, AuditAction.APPROVAL_EXPIRED, Map.of());
    appendResult(
        expired.get(),
        ToolResult.error("Nobody approved this call in time, so it expired and did not run."));
    return true;
  }

  private Approval decidable(Principal principal, ApprovalId id) {
    Approval approval =
        approvals
            .find(principal.organization(), id)
            .orElseThrow(() -> new NotFoundException("approval " + id + " was not found"));
    if (approval.isOverdue(clock.instant())) {
      expire(approval, clock.instant());
      throw new ConflictException("approval " + id + " has expired; the call did not run");
    }
    if (approval.status() != ApprovalStatus.PENDING) {
      throw new ConflictException(
          "approval " + id + " was already decided (" + approval.status() + ")");
    }
    if (!mayDecide(principal, approval)) {
      record(approval, principal.user(), AuditAction.APPROVAL_DECISION_REFUSED, Map.of());
      throw new AccessDeniedException(
          approval.requesterRole() == Role.GUEST
              ? "a guest's call must be decided by a manager or an admin"
              : "only the requester, a manager or an admin may decide approval " + id);
    }
    return approval;
  }

  private boolean mayDecide(Principal principal, Approval approval) {
    boolean isRequester = principal.user().equals(approval.requester());
    if (isRequester && approval.requesterRole() != Role.GUEST) {
      return true;
    }
    return authorizer.check(Capability.APPROVE_CALLS.checkFor(principal)).allowed();
  }

  private ConflictException alreadyDecided(OrganizationId organization, ApprovalId id) {
    String status = approvals.find(organization, id).map(a -> a.status().name()).orElse("unknown");
    return new ConflictException("approval " + id + " was already decided (" + status + ")");
  }

  private static Principal requesterOf(Approval approval) {
    return new Principal(approval.requester(), approval.organization(), approval.requesterRole());
  }

  /** Runs an approved call, re-checking that the requester still may use the tool. */
  private ToolResult executeApproved(Principal requester, Approval approval) {
    ToolCall call = approval.call();
    Optional<Tool> tool = tools.find(call.toolName());
    if (tool.isEmpty()) {
      ToolResult result =
          ToolResult.error("The tool " + call.toolName() + " is no longer available.");
      record(approval, null, AuditAction.TOOL_CALL_FAILED, Map.of("reason", "unknown tool"));
      return result;
    }
    Optional<String> refusal = guard.authorize(requester, tool.get(), call);
    if (refusal.isPresent()) {
      record(
          approval, null, AuditAction.TOOL_CALL_DENIED, Map.of("reason", "no longer authorized"));
      return ToolResult.error(refusal.get());
    }
    return execute(requester, tool.get(), call, approval.id());
  }

  private ToolResult execute(Principal principal, Tool tool, ToolCall call, ApprovalId approval) {
    ToolResult result;
    try {
      result = tool.execute(new ToolContext(principal, vault, clock), call.args());
    } catch (OutcomeUnknownException e) {
      result = ToolResult.outcomeUnknown(e.getMessage());
    } catch (NexusException e) {
      result = ToolResult.error(e.getMessage());
    } catch (RuntimeException e) {
      result = ToolResult.error("The tool " + tool.spec().name() + " failed unexpectedly.");
    }
    Map<String, String> details = new LinkedHashMap<>();
    details.put("tool", tool.spec().name());
    details.put("call", call.id().value());
    if (approval != null) {
      details.put("approval", approval.value());
    }
    details.put("status", result.status().name());
    audit.append(
        new AuditEvent(
            principal.organization(),
            clock.instant(),
            principal.user(),
            result.isSuccess() ? AuditAction.TOOL_CALL_EXECUTED : AuditAction.TOOL_CALL_FAILED,
            tool.spec().name(),
            details));
    return result;
  }

  private TurnResult answerAndResume(
      Principal requester, Approval approval, ToolResult result, Consumer<AgentEvent> events) {
    appendResult(approval, result);
    events.accept(new ToolResultReady(approval.call().id(), approval.call().toolName(), result));
    Conversation conversation =
        conversations
            .find(approval.organization(), approval.conversation())
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "conversation " + approval.conversation() + " was not found"));
    List<ToolCall> unanswered = conversation.unansweredToolCalls();
    if (!unanswered.isEmpty()) {
      events.accept(new AwaitingApproval(conversation.id(), unanswered.size()));
      return new TurnResult(
          conversation.id(),
          TurnStatus.AWAITING_APPROVAL,
          "",
          pendingIds(conversation.id(), approval));
    }
    return runTurn(requester, new Transcript(conversation), events);
  }

  private List<ApprovalId> pendingIds(ConversationId conversation, Approval any) {
    return approvals.listByConversation(any.organization(), conversation).stream()
        .filter(a -> a.status() == ApprovalStatus.PENDING)
        .map(Approval::id)
        .toList();
  }

  private void appendResult(Approval approval, ToolResult result) {
    conversations.append(
        approval.organization(),
        approval.conversation(),
        List.of(new ToolResultMessage(approval.call().id(), approval.call().toolName(), result)));
  }

  /**
   * Runs model steps on a transcript loaded once for the turn, so no step reads the conversation
   * again. The turn's messages are stored together, in order, when it pauses for approvals, ends,
   * or fails, before the event that says so.
   */
  private TurnResult runTurn(
      Principal principal, Transcript transcript, Consumer<AgentEvent> events) {
    try {
      return runSteps(principal, transcript, events);
    } catch (RuntimeException e) {
      // Keep what the turn said and did so far, even when it ends abnormally.
      try {
        transcript.flush();
      } catch (RuntimeException notStored) {
        e.addSuppressed(notStored);
      }
      throw e;
    }
  }

  private TurnResult runSteps(
      Principal principal, Transcript transcript, Consumer<AgentEvent> events) {
    ConversationId id = transcript.id();
    int writes = writesSinceLastUserMessage(principal, transcript);
    // What the model is offered is decided once per turn; every call it makes is still authorized
    // on its own by the guard, so a role changed mid-turn cannot widen what runs.
    List<ToolSpec> offered = visibleTools(principal);
    for (int step = 1; step <= settings.maxSteps(); step++) {
      ModelRequest request =
          new ModelRequest(
              settings.systemPrompt(), transcript.framed(settings.maxToolOutputChars()), offered);
      ModelResponse response;
      try {
        response = model.generate(request, delta -> events.accept(new TextDelta(delta)));
      } catch (NexusException e) {
        transcript.flush();
        return fail(id, "The model could not answer: " + e.getMessage(), events);
      }

      transcript.add(new AssistantMessage(response.text(), response.toolCalls()));
      if (response.toolCalls().isEmpty()) {
        transcript.flush();
        events.accept(new TurnCompleted(id, response.text()));
        return new TurnResult(id, TurnStatus.COMPLETED, response.text(), List.of());
      }

      List<ApprovalId> parked = new ArrayList<>();
      for (ToolCall call : response.toolCalls()) {
        events.accept(new ToolCallRequested(call));
        Optional<ApprovalId> approval = handle(principal, transcript, call, writes, events);
        if (approval.isPresent()) {
          parked.add(approval.get());
          writes++;
        }
      }
      if (!parked.isEmpty()) {
        transcript.flush();
        events.accept(new AwaitingApproval(id, parked.size()));
        return new TurnResult(id, TurnStatus.AWAITING_APPROVAL, "", parked);
      }
    }
    audit.append(
        new AuditEvent(
            principal.organization(),
            clock.instant(),
            principal.user(),
            AuditAction.TURN_STEP_LIMIT_REACHED,
            id.value(),
            Map.of("steps", Integer.toString(settings.maxSteps()))));
    String message =
        "I stopped after "
            + settings.maxSteps()
            + " steps without finishing. Ask again, perhaps in smaller parts.";
    transcript.add(AssistantMessage.text(message));
    transcript.flush();
    return fail(id, message, events);
  }

  /** How many calls of the current turn (since the person last wrote) were parked. */
  private int writesSinceLastUserMessage(Principal principal, Transcript transcript) {
    List<ChatMessage> messages = transcript.messages();
    Set<ToolCallId> calls = new HashSet<>();
    for (int i = messages.size() - 1; i >= 0 && !(messages.get(i) instanceof UserMessage); i--) {
      if (messages.get(i) instanceof AssistantMessage assistant) {
        assistant.toolCalls().forEach(call -> calls.add(call.id()));
      }
    }
    if (calls.isEmpty()) {
      return 0;
    }
    return (int)
        approvals.listByConversation(principal.organization(), transcript.id()).stream()
            .filter(approval -> calls.contains(approval.call().id()))
            .count();
  }

  private TurnResult fail(ConversationId id, String reason, Consumer<AgentEvent> events) {
    events.accept(new TurnFailed(id, reason));
    return new TurnResult(id, TurnStatus.FAILED, reason, List.of());
  }

  /** Puts one call through the guard; returns the approval id when the call was parked. */
  private Optional<ApprovalId> handle(
      Principal principal,
      Transcript transcript,
      ToolCall call,
      int writesSoFar,
      Consumer<AgentEvent> events) {
    ConversationId id = transcript.id();
    GuardDecision decision =
        guard.evaluate(principal, call, writesSoFar, settings.maxWritesPerTurn());
    if (decision instanceof GuardDecision.Refuse refuse) {
      audit.append(
          new AuditEvent(
              principal.organization(),
              clock.instant(),
              principal.user(),
              AuditAction.TOOL_CALL_DENIED,
              call.toolName(),
              Map.of("call", call.id().value(), "reason", refuse.kind().name())));
      ToolResult result = ToolResult.error(refuse.reason());
      transcript.add(new ToolResultMessage(call.id(), call.toolName(), result));
      events.accept(new ToolCallDenied(call, refuse.reason()));
      return Optional.empty();
    }
    if (decision instanceof GuardDecision.Run run) {
      recordAllowed(principal, call, "run");
      ToolResult result = execute(principal, run.tool(), call, null);
      transcript.add(new ToolResultMessage(call.id(), call.toolName(), result));
      events.accept(new ToolResultReady(call.id(), call.toolName(), result));
      return Optional.empty();
    }
    GuardDecision.Park park = (GuardDecision.Park) decision;
    {
      recordAllowed(principal, call, "needs approval");
      Instant now = clock.instant();
      Approval approval =
          Approval.pending(
              principal.organization(),
              id,
              principal.user(),
              principal.role(),
              call,
              park.tool().spec().risk(),
              now,
              now.plus(settings.approvalTtl()));
      // The call must be in the stored conversation before anyone can decide it: deciding appends
      // its result there.
      transcript.flush();
      approvals.create(approval);
      record(approval, principal.user(), AuditAction.APPROVAL_REQUESTED, Map.of());
      events.accept(new ApprovalRequired(approval));
      return Optional.of(approval.id());
    }
  }

  private void recordAllowed(Principal principal, ToolCall call, String next) {
    audit.append(
        new AuditEvent(
            principal.organization(),
            clock.instant(),
            principal.user(),
            AuditAction.TOOL_CALL_ALLOWED,
            call.toolName(),
            Map.of("call", call.id().value(), "next", next)));
  }

  private void record(
      Approval approval, UserId actor, AuditAction action, Map<String, String> extra) {
    Map<String, String> details = new LinkedHashMap<>(extra);
    details.put("approval", approval.id().value());
    details.put("call", approval.call().id().value());
    details.put("risk", approval.risk().name());
    details.put("requester", approval.requester().value());
    audit.append(
        new AuditEvent(
            approval.organization(),
            clock.instant(),
            actor,
            action,
            approval.call().toolName(),
            details));
  }

  private static String shortOutcome(ToolResult result) {
    return result.isSuccess()
        ? "executed"
        : result.status().name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * The messages of one conversation during a turn: what was stored when the turn began plus what
   * the turn added, which {@link #flush} writes to the store in one append.
   */
  private final class Transcript {
    private final OrganizationId organization;
    private final ConversationId id;
    private final List<ChatMessage> messages;
    private final List<ChatMessage> framed = new ArrayList<>();
    private int stored;

    Transcript(Conversation conversation) {
      this.organization = conversation.organization();
      this.id = conversation.id();
      this.messages = new ArrayList<>(conversation.messages());
      this.stored = messages.size();
    }

    ConversationId id() {
      return id;
    }

    List<ChatMessage> messages() {
      return Collections.unmodifiableList(messages);
    }

    /**
     * The messages as the model sees them ({@link UntrustedOutput#framed}); each message is framed
     * once per turn, not once per model step.
     */
    List<ChatMessage> framed(int maxChars) {
      for (int i = framed.size(); i < messages.size(); i++) {
        framed.add(UntrustedOutput.framed(messages.get(i), maxChars));
      }
      return List.copyOf(framed);
    }

    void add(ChatMessage message) {
      messages.add(Objects.requireNonNull(message, "message"));
    }

    /** Appends the messages added since the last flush; nothing happens when there are none. */
    void flush() {
      if (stored == messages.size()) {
        return;
      }
      List<ChatMessage> unsaved = List.copyOf(messages.subList(stored, messages.size()));
      conversations.append(organization, id, unsaved);
      stored = messages.size();
    }
  }

  /** Assembles an {@link AgentRuntime}; every port is required. */
  public static final class Builder {
    private LanguageModel model;
    private Authorizer authorizer;
    private ConversationStore conversations;
    private ApprovalStore approvals;
    private AuditLog audit;
    private TokenVault vault;
    private final List<Toolkit> toolkits = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private AgentSettings settings = AgentSettings.defaults();
    private CallLimiter limiter = CallLimiter.UNLIMITED;

    private Builder() {}

    /** Rate limits for tool calls; unlimited by default. */
    public Builder callLimiter(CallLimiter limiter) {
      this.limiter = Objects.requireNonNull(limiter, "limiter");
      return this;
    }

    public Builder model(LanguageModel model) {
      this.model = model;
      return this;
    }

    public Builder authorizer(Authorizer authorizer) {
      this.authorizer = authorizer;
      return this;
    }

    public Builder conversations(ConversationStore conversations) {
      this.conversations = conversations;
      return this;
    }

    public Builder approvals(ApprovalStore approvals) {
      this.approvals = approvals;
      return this;
    }

    public Builder auditLog(AuditLog audit) {
      this.audit = audit;
      return this;
    }

    public Builder tokenVault(TokenVault vault) {
      this.vault = vault;
      return this;
    }

    public Builder toolkit(Toolkit toolkit) {
      toolkits.add(Objects.requireNonNull(toolkit, "toolkit"));
      return this;
    }

    public Builder toolkits(List<? extends Toolkit> toolkits) {
      toolkits.forEach(this::toolkit);
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public Builder settings(AgentSettings settings) {
      this.settings = settings;
      return this;
    }

    public AgentRuntime build() {
      return new AgentRuntime(this);
    }
  }
}
