package dev.nexus.agent;

import dev.nexus.core.identity.Principal;
import dev.nexus.core.tool.ToolSpec;
import java.util.Optional;

/**
 * Rate limits tool calls. The guard asks it after a call is authorized and its arguments are valid,
 * and refuses the call with the returned reason. Implementations decide which calls they count (for
 * example only write and destructive ones) and must be thread-safe.
 */
@FunctionalInterface
public interface CallLimiter {

  /** Admits every call. */
  CallLimiter UNLIMITED = (principal, tool) -> Optional.empty();

  /** Empty when the call may go ahead and is now counted; otherwise why it may not. */
  Optional<String> admit(Principal principal, ToolSpec tool);
}
