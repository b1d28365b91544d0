package dev.nexus.core.model;

/** How many tokens a model call used; zero when the model does not say. */
public record TokenUsage(long inputTokens, long outputTokens) {

  public static final TokenUsage NONE = new TokenUsage(0, 0);

  public long total() {
    return inputTokens + outputTokens;
  }
}
