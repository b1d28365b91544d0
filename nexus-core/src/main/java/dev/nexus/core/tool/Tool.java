package dev.nexus.core.tool;

import dev.nexus.core.authorization.CheckRequest;
import dev.nexus.core.identity.Principal;
import java.util.List;

/**
 * A tool the agent can call. The runtime has already checked the capability, validated the
 * arguments against the schema and, for write tools, obtained a person's approval before {@link
 * #execute} runs.
 */
public interface Tool {

  /** What the model and the guard know about this tool. */
  ToolSpec spec();

  /**
   * Further checks that depend on the call's real arguments (for example that the principal may
   * view the document a call names). Every check must allow for the call to run. The default has
   * none.
   */
  default List<CheckRequest> accessChecks(Principal principal, ToolArguments arguments) {
    return List.of();
  }

  /**
   * Runs the call. Expected failures (not found, permission, rate limit) come back as an error
   * result; a thrown {@link dev.nexus.core.error.NexusException} is turned into one by the runtime.
   */
  ToolResult execute(ToolContext context, ToolArguments arguments);
}
