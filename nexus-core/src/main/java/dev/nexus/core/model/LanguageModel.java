package dev.nexus.core.model;

import java.util.function.Consumer;

/**
 * A chat model. It sees messages and tool specifications, streams its text as it writes it, and
 * ends with a final answer of text and/or tool calls. It never executes anything itself.
 */
public interface LanguageModel {

  /**
   * Runs one model call. {@code onTextDelta} receives each piece of text as it arrives, in order,
   * on the calling thread or the model's; the returned response holds the whole text.
   *
   * @throws dev.nexus.core.error.RetriableException when the model is unavailable or rate limited
   * @throws dev.nexus.core.error.NexusException for a refused request (bad key, invalid input)
   */
  ModelResponse generate(ModelRequest request, Consumer<String> onTextDelta);
}
