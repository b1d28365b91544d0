package dev.nexus.core.authorization;

import java.util.Objects;

/**
 * The answer to a {@link CheckRequest}. A denial is a value, not an exception; {@code reason} is a
 * short sentence fit for the audit log and the model (it names the relation and object, never a
 * secret).
 */
public record Decision(boolean allowed, String reason) {

  public Decision {
    Objects.requireNonNull(reason, "reason");
  }

  public static Decision allow(String reason) {
    return new Decision(true, reason);
  }

  public static Decision deny(String reason) {
    return new Decision(false, reason);
  }
}
