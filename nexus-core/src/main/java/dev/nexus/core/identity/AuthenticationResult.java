package dev.nexus.core.identity;

import java.util.Objects;

/** The outcome of authenticating a credential: a principal, or a refusal with its reason. */
public sealed interface AuthenticationResult {

  /** The credential is valid and names this principal. */
  record Authenticated(Principal principal) implements AuthenticationResult {
    public Authenticated {
      Objects.requireNonNull(principal, "principal");
    }
  }

  /**
   * The credential was refused. The reason is one sentence safe to show the caller: it says what
   * was wrong (expired, wrong audience, bad signature) and never repeats the credential.
   */
  record Refused(String reason) implements AuthenticationResult {
    public Refused {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
