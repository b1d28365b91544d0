package dev.nexus.agent.langchain4j;

import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpClientBuilderLoader;
import dev.langchain4j.model.googleai.GoogleAiGeminiChatModel;
import dev.langchain4j.model.googleai.GoogleAiGeminiStreamingChatModel;
import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.model.LanguageModel;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Makes Gemini {@link LanguageModel}s through LangChain4j ({@code langchain4j-google-ai-gemini})
 * with one configuration (model name, base URL, timeout, retries, streaming) and any API key, so a
 * server can use its own key or one a person brings with a request.
 *
 * <pre>{@code
 * GeminiLanguageModels gemini = GeminiLanguageModels.builder().modelName("gemini-2.5-flash").build();
 * LanguageModel model = gemini.forKey(apiKey);
 * }</pre>
 *
 * <p>{@link #forKey} is cheap enough to call per request: every model shares one HTTP client, and
 * the models themselves are kept in a small least-recently-used cache indexed by a SHA-256 hash of
 * the key. The key itself appears in no log line, {@code toString} or exception message; it lives
 * only inside the LangChain4j model, which sends it as the {@code x-goog-api-key} header.
 *
 * <p>Limitations: the streaming model does not retry (LangChain4j's Gemini streaming client has no
 * retries); the blocking one retries 429 and 5xx {@code maxRetries} times.
 */
public final class GeminiLanguageModels {

  /** The model used unless another is configured. */
  public static final String DEFAULT_MODEL = "gemini-2.5-flash";

  /** Google's Gemini API, without a trailing slash. */
  public static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/v1beta";

  /** How long one HTTP exchange may take unless configured otherwise. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  /** How many models (one per distinct key) are kept unless configured otherwise. */
  public static final int DEFAULT_CACHE_SIZE = 64;

  private static final int MAX_KEY_LENGTH = 256;

  private final String modelName;
  private final String baseUrl;
  private final Duration timeout;
  private final int maxRetries;
  private final boolean streaming;
  private final int cacheSize;
  private final HttpClientBuilder sharedHttpClient;
  private final Map<String, LanguageModel> cache;

  private GeminiLanguageModels(Builder builder) {
    this.modelName = builder.modelName;
    this.baseUrl = builder.baseUrl;
    this.timeout = builder.timeout;
    this.maxRetries = builder.maxRetries;
    this.streaming = builder.streaming;
    this.cacheSize = builder.cacheSize;
    this.sharedHttpClient = new SharedHttpClientBuilder(timeout);
    this.cache =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, LanguageModel> eldest) {
            return size() > GeminiLanguageModels.this.cacheSize;
          }
        };
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * A model that calls Gemini with {@code apiKey}. The same key gives the same model while it stays
   * in the cache.
   *
   * @throws InvalidInputException when the key is empty, too long or contains white space or
   *     control characters (the message never repeats it)
   */
  public LanguageModel forKey(String apiKey) {
    checkKey(apiKey);
    if (cacheSize == 0) {
      return create(apiKey);
    }
    String fingerprint = fingerprint(apiKey);
    synchronized (cache) {
      LanguageModel cached = cache.get(fingerprint);
      if (cached != null) {
        return cached;
      }
    }
    LanguageModel created = create(apiKey);
    synchronized (cache) {
      LanguageModel raced = cache.putIfAbsent(fingerprint, created);
      return raced == null ? created : raced;
    }
  }

  /** How many models the cache holds now. */
  public int cachedModels() {
    synchronized (cache) {
      return cache.size();
    }
  }

  public String modelName() {
    return modelName;
  }

  public String baseUrl() {
    return baseUrl;
  }

  public Duration timeout() {
    return timeout;
  }

  public boolean streaming() {
    return streaming;
  }

  private LanguageModel create(String apiKey) {
    if (streaming) {
      return new LangChain4jLanguageModel(
              "Gemini",
              GoogleAiGeminiStreamingChatModel.builder()
                  .httpClientBuilder(sharedHttpClient)
                  .apiKey(apiKey)
                  .baseUrl(baseUrl)
                  .modelName(modelName)
                  .timeout(timeout)
                  .logRequests(false)
                  .logResponses(false)
                  .build())
          .withOneToolCallPerTurn();
    }
    return new LangChain4jLanguageModel(
            "Gemini",
            GoogleAiGeminiChatModel.builder()
                .httpClientBuilder(sharedHttpClient)
                .apiKey(apiKey)
                .baseUrl(baseUrl)
                .modelName(modelName)
                .timeout(timeout)
                .maxRetries(maxRetries)
                .logRequests(false)
                .logResponses(false)
                .build())
        .withOneToolCallPerTurn();
  }

  private static void checkKey(String apiKey) {
    if (apiKey == null || apiKey.isBlank()) {
      throw new InvalidInputException("the Gemini API key must not be empty");
    }
    if (apiKey.length() > MAX_KEY_LENGTH) {
      throw new InvalidInputException(
          "the Gemini API key must be at most " + MAX_KEY_LENGTH + " characters");
    }
    for (int i = 0; i < apiKey.length(); i++) {
      char c = apiKey.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        throw new InvalidInputException(
            "the Gemini API key must be printable ASCII without spaces");
      }
    }
  }

  private static String fingerprint(String apiKey) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(apiKey.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  @Override
  public String toString() {
    return "GeminiLanguageModels[" + modelName + " at " + baseUrl + "]";
  }

  /**
   * Hands every model the same HTTP client, built once, so a model per key costs a few objects
   * rather than a connection pool and a selector thread. The timeouts are the factory's.
   */
  private static final class SharedHttpClientBuilder implements HttpClientBuilder {

    private final Duration timeout;
    private final HttpClient client;

    SharedHttpClientBuilder(Duration timeout) {
      this.timeout = timeout;
      this.client =
          HttpClientBuilderLoader.loadHttpClientBuilder()
              .connectTimeout(timeout)
              .readTimeout(timeout)
              .build();
    }

    @Override
    public Duration connectTimeout() {
      return timeout;
    }

    @Override
    public HttpClientBuilder connectTimeout(Duration ignored) {
      return this;
    }

    @Override
    public Duration readTimeout() {
      return timeout;
    }

    @Override
    public HttpClientBuilder readTimeout(Duration ignored) {
      return this;
    }

    @Override
    public HttpClient build() {
      return client;
    }
  }

  /** Settings of a {@link GeminiLanguageModels}; each has a sensible default. */
  public static final class Builder {
    private String modelName = DEFAULT_MODEL;
    private String baseUrl = DEFAULT_BASE_URL;
    private Duration timeout = DEFAULT_TIMEOUT;
    private int maxRetries = 2;
    private boolean streaming = true;
    private int cacheSize = DEFAULT_CACHE_SIZE;

    private Builder() {}

    /** The Gemini model, default {@value GeminiLanguageModels#DEFAULT_MODEL}. */
    public Builder modelName(String modelName) {
      Objects.requireNonNull(modelName, "modelName");
      if (!modelName.matches("[A-Za-z0-9._-]{1,100}")) {
        throw new ConfigurationException(
            "the Gemini model name must be letters, digits, '.', '_' or '-'");
      }
      this.modelName = modelName;
      return this;
    }

    /** The API's base URL, default {@value GeminiLanguageModels#DEFAULT_BASE_URL}. */
    public Builder baseUrl(String baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      String trimmed = baseUrl.strip();
      while (trimmed.endsWith("/")) {
        trimmed = trimmed.substring(0, trimmed.length() - 1);
      }
      URI uri;
      try {
        uri = URI.create(trimmed);
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException("the Gemini base URL is not a valid URL", e);
      }
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new ConfigurationException("the Gemini base URL must be an http or https URL");
      }
      this.baseUrl = trimmed;
      return this;
    }

    /** How long one HTTP exchange may take, default 60 seconds. */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new ConfigurationException("the Gemini timeout must be positive");
      }
      this.timeout = timeout;
      return this;
    }

    /** Retries of the blocking model on 429 and 5xx, default 2 (use 0 in tests). */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0 || maxRetries > 10) {
        throw new ConfigurationException("the Gemini retries must be between 0 and 10");
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /** Whether models stream their text (default) or answer in one piece. */
    public Builder streaming(boolean streaming) {
      this.streaming = streaming;
      return this;
    }

    /** How many models (distinct keys) to keep, default 64; 0 creates one per call. */
    public Builder cacheSize(int cacheSize) {
      if (cacheSize < 0 || cacheSize > 10_000) {
        throw new ConfigurationException("the Gemini model cache size must be 0 to 10000");
      }
      this.cacheSize = cacheSize;
      return this;
    }

    public GeminiLanguageModels build() {
      return new GeminiLanguageModels(this);
    }
  }
}
