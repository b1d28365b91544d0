package dev.nexus.agent.langchain4j;

import dev.nexus.core.error.ProviderException;
import java.util.Objects;

/**
 * A model call failed for a reason that trying again will not fix: the provider refused the key or
 * the request, does not know the model, filtered the content, or answered something unusable. The
 * message is one sentence safe to show a person; it never contains the API key, the prompt or the
 * provider's own error text (the cause keeps the latter for debugging).
 */
public final class ModelCallException extends ProviderException {

  /** Why the call failed. */
  public enum Reason {
    /** The API key or credentials were refused (401, 403, or 400 for an invalid key). */
    AUTHENTICATION,
    /** The provider refused the request as invalid (400 and other 4xx). */
    INVALID_REQUEST,
    /** The model or endpoint does not exist (404). */
    MODEL_NOT_FOUND,
    /** The provider declined to answer because of its content filter. */
    CONTENT_FILTERED,
    /** The answer could not be used, for example tool arguments that are not a JSON object. */
    INVALID_RESPONSE,
    /** Anything else that is not worth retrying. */
    FAILED
  }

  private final Reason reason;

  public ModelCallException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Why the call failed. */
  public Reason reason() {
    return reason;
  }
}
