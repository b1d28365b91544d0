package dev.nexus.agent;

import dev.nexus.agent.GuardDecision.Reason;
import dev.nexus.core.authorization.Authorizer;
import dev.nexus.core.authorization.CheckRequest;
import dev.nexus.core.authorization.Decision;
import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.identity.Principal;
import dev.nexus.core.tool.Tool;
import dev.nexus.core.tool.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one gate every tool call passes, in this order: the tool exists; the principal holds its
 * capability and passes the checks on the call's real arguments; the arguments match the schema;
 * the call is within the per-turn write limit and the rate limits; and the risk class decides
 * between running now and parking for approval. Nothing the model writes can change the outcome.
 */
final class ToolGuard {

  private final ToolRegistry tools;
  private final Authorizer authorizer;
  private final CallLimiter limiter;

  ToolGuard(ToolRegistry tools, Authorizer authorizer, CallLimiter limiter) {
    this.tools = Objects.requireNonNull(tools, "tools");
    this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
    this.limiter = Objects.requireNonNull(limiter, "limiter");
  }

  /**
   * Decides one call. {@code writesSoFar} is how many write or destructive calls this turn has
   * already parked; past {@code maxWrites} further ones are refused.
   */
  GuardDecision evaluate(Principal principal, ToolCall call, int writesSoFar, int maxWrites) {
    Optional<Tool> found = tools.find(call.toolName());
    if (found.isEmpty()) {
      return new GuardDecision.Refuse(
          Reason.UNKNOWN_TOOL, "There is no tool named '" + call.toolName() + "'.");
    }
    Tool tool = found.get();

    Optional<String> unauthorized = authorize(principal, tool, call);
    if (unauthorized.isPresent()) {
      return new GuardDecision.Refuse(Reason.NOT_AUTHORIZED, unauthorized.get());
    }

    List<String> violations = tool.spec().parameters().violations(call.arguments());
    if (!violations.isEmpty()) {
      return new GuardDecision.Refuse(
          Reason.INVALID_ARGUMENTS,
          "Invalid arguments for " + tool.spec().name() + ": " + String.join("; ", violations));
    }

    boolean write = tool.spec().risk().needsApproval();
    if (write && writesSoFar >= maxWrites) {
      return new GuardDecision.Refuse(
          Reason.LIMITED,
          "This turn already proposed "
              + maxWrites
              + " calls that change something; ask the person before proposing more.");
    }
    Optional<String> limited = limiter.admit(principal, tool.spec());
    if (limited.isPresent()) {
      return new GuardDecision.Refuse(Reason.LIMITED, limited.get());
    }

    return write ? new GuardDecision.Park(tool) : new GuardDecision.Run(tool);
  }

  /**
   * Checks the capability and then the call's argument-dependent checks. Returns the reason for a
   * refusal, or empty when every check allows the call.
   */
  Optional<String> authorize(Principal principal, Tool tool, ToolCall call) {
    Decision capability = authorizer.check(tool.spec().capability().checkFor(principal));
    if (!capability.allowed()) {
      return Optional.of(
          "You are not allowed to use "
              + tool.spec().name()
              + " (it needs "
              + tool.spec().capability()
              + ", which your role in this organization does not have).");
    }
    List<CheckRequest> checks;
    try {
      checks = new ArrayList<>(tool.accessChecks(principal, call.args()));
    } catch (InvalidInputException e) {
      return Optional.of("Cannot authorize " + tool.spec().name() + ": " + e.getMessage());
    }
    if (checks.isEmpty()) {
      return Optional.empty();
    }
    List<Decision> decisions = authorizer.batchCheck(checks);
    for (int i = 0; i < decisions.size(); i++) {
      if (!decisions.get(i).allowed()) {
        CheckRequest check = checks.get(i);
        return Optional.of(
            "You are not allowed to use "
                + tool.spec().name()
                + " on "
                + check.object()
                + " (needs "
                + check.relation()
                + ").");
      }
    }
    return Optional.empty();
  }
}
