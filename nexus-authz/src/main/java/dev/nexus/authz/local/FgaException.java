package dev.nexus.authz.local;

import dev.nexus.core.error.InvalidInputException;
import java.util.Objects;

/**
 * A request or model the embedded evaluator refuses, with the OpenFGA error code that OpenFGA
 * itself would answer. Every one of these is the caller's fault and will not succeed if repeated.
 */
public final class FgaException extends InvalidInputException {

  private static final long serialVersionUID = 1L;

  private final FgaErrorCode code;

  public FgaException(FgaErrorCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  public FgaException(FgaErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The OpenFGA error code of this refusal. */
  public FgaErrorCode code() {
    return code;
  }
}
