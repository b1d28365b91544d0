package dev.nexus.authz.openfga;

import dev.nexus.authz.NexusAuthorizationModel;
import dev.nexus.core.authorization.Authorizer;
import dev.nexus.core.authorization.CheckRequest;
import dev.nexus.core.authorization.Decision;
import dev.nexus.core.authorization.ObjectRef;
import dev.nexus.core.authorization.RelationshipStore;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.core.authorization.SubjectRef;
import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.error.ConflictException;
import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.error.NexusException;
import dev.nexus.core.error.ProviderException;
import dev.nexus.core.error.RetriableException;
import dev.openfga.language.DslToJsonTransformer;
import dev.openfga.sdk.api.client.OpenFgaClient;
import dev.openfga.sdk.api.client.model.ClientBatchCheckItem;
import dev.openfga.sdk.api.client.model.ClientBatchCheckRequest;
import dev.openfga.sdk.api.client.model.ClientBatchCheckSingleResponse;
import dev.openfga.sdk.api.client.model.ClientCheckRequest;
import dev.openfga.sdk.api.client.model.ClientListObjectsRequest;
import dev.openfga.sdk.api.client.model.ClientReadRequest;
import dev.openfga.sdk.api.client.model.ClientTupleKey;
import dev.openfga.sdk.api.client.model.ClientTupleKeyWithoutCondition;
import dev.openfga.sdk.api.client.model.ClientWriteRequest;
import dev.openfga.sdk.api.configuration.ApiToken;
import dev.openfga.sdk.api.configuration.ClientBatchCheckOptions;
import dev.openfga.sdk.api.configuration.ClientCheckOptions;
import dev.openfga.sdk.api.configuration.ClientConfiguration;
import dev.openfga.sdk.api.configuration.ClientCredentials;
import dev.openfga.sdk.api.configuration.ClientListObjectsOptions;
import dev.openfga.sdk.api.configuration.ClientReadOptions;
import dev.openfga.sdk.api.configuration.ClientWriteAuthorizationModelOptions;
import dev.openfga.sdk.api.configuration.ClientWriteOptions;
import dev.openfga.sdk.api.configuration.Credentials;
import dev.openfga.sdk.api.model.AuthorizationModel;
import dev.openfga.sdk.api.model.CreateStoreRequest;
import dev.openfga.sdk.api.model.ReadResponse;
import dev.openfga.sdk.api.model.Tuple;
import dev.openfga.sdk.api.model.WriteAuthorizationModelRequest;
import dev.openfga.sdk.api.model.WriteRequestDeletes;
import dev.openfga.sdk.api.model.WriteRequestWrites;
import dev.openfga.sdk.errors.ApiException;
import dev.openfga.sdk.errors.FgaError;
import dev.openfga.sdk.errors.FgaInvalidParameterException;
import dev.openfga.sdk.errors.FgaValidationError;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Authorizer} and {@link RelationshipStore} of an OpenFGA server (or Auth0 FGA) through
 * the official SDK.
 *
 * <p>Writes are idempotent as the port requires: they ask OpenFGA to ignore duplicate writes and
 * missing deletes ({@code on_duplicate}/{@code on_missing}, OpenFGA 1.10 and later), in one
 * transactional request. Failures are mapped in one place: 429, 5xx and network failures become
 * {@link RetriableException} (after the SDK's own retries), 400 becomes {@link
 * InvalidInputException} naming OpenFGA's error code, 401/403 and unknown stores or models become
 * {@link ConfigurationException}; the cause is always kept.
 *
 * <p>An optional check cache (off by default, see {@link OpenFgaSettings#checkCacheTtl()}) reuses
 * answers to checks without contextual tuples for a few seconds, and is emptied by every write made
 * through this instance. Writes made elsewhere are seen once the entry expires.
 *
 * <p>Limitations: it needs OpenFGA 1.10 or later (server-side batch check came in 1.8, {@code
 * on_duplicate}/{@code on_missing} in 1.10; Auth0 FGA has both). One write holds at most 100 tuple
 * changes (OpenFGA's limit per transaction); {@link #listObjects} returns what OpenFGA's
 * list-objects returns, which OpenFGA caps (1,000 by default).
 */
public final class OpenFgaAuthorizer implements Authorizer, RelationshipStore {

  private static final Logger LOG = LoggerFactory.getLogger(OpenFgaAuthorizer.class);

  /** OpenFGA accepts at most this many tuple changes in one write. */
  public static final int MAX_CHANGES_PER_WRITE = 100;

  private static final int MAX_CACHE_ENTRIES = 10_000;

  private final OpenFgaSettings settings;
  private final OpenFgaClient client;
  private volatile String modelId;
  private final Map<CacheKey, CachedDecision> cache = new ConcurrentHashMap<>();

  private record CacheKey(String user, String relation, String object) {}

  private record CachedDecision(Decision decision, long expiresAtNanos) {}

  /** Connects to the store of {@code settings} (no request is made until the first call). */
  public OpenFgaAuthorizer(OpenFgaSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.modelId = settings.authorizationModelId();
    try {
      this.client = new OpenFgaClient(configuration(settings).storeId(settings.storeId()));
    } catch (FgaInvalidParameterException e) {
      throw new ConfigurationException("the OpenFGA client configuration is not valid", e);
    }
  }

  /**
   * Creates a store named {@code name} on the server of {@code settings} (its store id is ignored)
   * and returns the new store's id.
   */
  public static String createStore(OpenFgaSettings settings, String name) {
    Objects.requireNonNull(name, "name");
    try {
      OpenFgaClient admin = new OpenFgaClient(configuration(settings));
      return call("create store", name, admin.createStore(new CreateStoreRequest().name(name)))
          .getId();
    } catch (FgaInvalidParameterException e) {
      throw new ConfigurationException("the OpenFGA client configuration is not valid", e);
    }
  }

  /**
   * Writes the Nexus authorization model to the store and evaluates with it from now on.
   *
   * @return the new model's id, to pin in the settings of other instances
   */
  public String writeNexusModel() {
    return writeModel(NexusAuthorizationModel.dsl());
  }

  /**
   * Writes a model given in OpenFGA's DSL to the store and evaluates with it from now on.
   *
   * @return the new model's id
   * @throws InvalidInputException when the DSL does not parse or OpenFGA refuses the model
   */
  public String writeModel(String dsl) {
    Objects.requireNonNull(dsl, "dsl");
    AuthorizationModel model;
    try {
      DslToJsonTransformer.Result parsed = new DslToJsonTransformer().parseDsl(dsl);
      if (parsed.IsFailure()) {
        throw new InvalidInputException(
            "the authorization model DSL has "
                + parsed.getErrors().size()
                + " syntax error(s), the first at: "
                + parsed.getErrors().get(0).getMessage());
      }
      model = parsed.getAuthorizationModel();
    } catch (RuntimeException e) {
      if (e instanceof NexusException) {
        throw e;
      }
      throw new InvalidInputException("the authorization model DSL could not be parsed", e);
    }
    WriteAuthorizationModelRequest request =
        new WriteAuthorizationModelRequest()
            .schemaVersion(model.getSchemaVersion())
            .typeDefinitions(model.getTypeDefinitions());
    if (model.getConditions() != null && !model.getConditions().isEmpty()) {
      request.conditions(model.getConditions());
    }
    String id =
        invoke(
                "write authorization model",
                settings.storeId(),
                () ->
                    client.writeAuthorizationModel(
                        request, new ClientWriteAuthorizationModelOptions()))
            .getAuthorizationModelId();
    modelId = id;
    cache.clear();
    return id;
  }

  /** The model id this instance evaluates with, or null for the store's latest. */
  public String authorizationModelId() {
    return modelId;
  }

  @Override
  public Decision check(CheckRequest request) {
    Objects.requireNonNull(request, "request");
    CacheKey key = cacheKey(request);
    if (key != null) {
      CachedDecision cached = cache.get(key);
      if (cached != null && cached.expiresAtNanos() - System.nanoTime() > 0) {
        return cached.decision();
      }
    }
    ClientCheckRequest body =
        new ClientCheckRequest()
            .user(request.subject().toString())
            .relation(request.relation())
            ._object(request.object().toString());
    if (!request.contextualTuples().isEmpty()) {
      body.contextualTuples(tupleKeys(request.contextualTuples()));
    }
    ClientCheckOptions options = new ClientCheckOptions();
    if (modelId != null) {
      options.authorizationModelId(modelId);
    }
    boolean allowed =
        Boolean.TRUE.equals(
            invoke("check", request.object().toString(), () -> client.check(body, options))
                .getAllowed());
    Decision decision = decision(allowed, request);
    remember(key, decision);
    return decision;
  }

  @Override
  public List<Decision> batchCheck(List<CheckRequest> requests) {
    Objects.requireNonNull(requests, "requests");
    if (requests.isEmpty()) {
      return List.of();
    }
    List<ClientBatchCheckItem> items = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      CheckRequest request = Objects.requireNonNull(requests.get(i), "requests");
      ClientBatchCheckItem item =
          new ClientBatchCheckItem()
              .user(request.subject().toString())
              .relation(request.relation())
              ._object(request.object().toString())
              .correlationId(Integer.toString(i));
      if (!request.contextualTuples().isEmpty()) {
        item.contextualTuples(tupleKeys(request.contextualTuples()));
      }
      items.add(item);
    }
    ClientBatchCheckOptions options = new ClientBatchCheckOptions();
    if (modelId != null) {
      options.authorizationModelId(modelId);
    }
    List<ClientBatchCheckSingleResponse> results =
        invoke(
                "batch check",
                requests.size() + " checks",
                () -> client.batchCheck(new ClientBatchCheckRequest().checks(items), options))
            .getResult();
    Decision[] decisions = new Decision[requests.size()];
    for (ClientBatchCheckSingleResponse result : results) {
      int index = Integer.parseInt(result.getCorrelationId());
      CheckRequest request = requests.get(index);
      if (result.getError() != null) {
        throw new InvalidInputException(
            "OpenFGA refused the check of "
                + request.relation()
                + " on "
                + request.object()
                + " ("
                + result.getError().getInputError()
                + ")");
      }
      decisions[index] = decision(result.isAllowed(), request);
    }
    for (int i = 0; i < decisions.length; i++) {
      if (decisions[i] == null) {
        throw new ProviderException("OpenFGA's batch check answered no result for check " + i);
      }
    }
    return List.of(decisions);
  }

  @Override
  public List<ObjectRef> listObjects(SubjectRef subject, String relation, String type) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(relation, "relation");
    Objects.requireNonNull(type, "type");
    ClientListObjectsRequest body =
        new ClientListObjectsRequest().user(subject.toString()).relation(relation).type(type);
    ClientListObjectsOptions options = new ClientListObjectsOptions();
    if (modelId != null) {
      options.authorizationModelId(modelId);
    }
    List<String> objects =
        invoke("list objects", type, () -> client.listObjects(body, options)).getObjects();
    List<ObjectRef> result = new ArrayList<>();
    if (objects != null) {
      for (String object : objects) {
        result.add(ObjectRef.parse(object));
      }
    }
    return result;
  }

  @Override
  public void write(List<RelationshipTuple> writes, List<RelationshipTuple> deletes) {
    Objects.requireNonNull(writes, "writes");
    Objects.requireNonNull(deletes, "deletes");
    if (writes.isEmpty() && deletes.isEmpty()) {
      return;
    }
    if (writes.size() + deletes.size() > MAX_CHANGES_PER_WRITE) {
      throw new InvalidInputException(
          "one OpenFGA write holds at most " + MAX_CHANGES_PER_WRITE + " tuple changes");
    }
    ClientWriteRequest body = new ClientWriteRequest();
    if (!writes.isEmpty()) {
      body.writes(tupleKeys(writes));
    }
    if (!deletes.isEmpty()) {
      List<ClientTupleKeyWithoutCondition> keys = new ArrayList<>();
      for (RelationshipTuple tuple : deletes) {
        keys.add(
            new ClientTupleKeyWithoutCondition()
                .user(tuple.subject().toString())
                .relation(tuple.relation())
                ._object(tuple.object().toString()));
      }
      body.deletes(keys);
    }
    ClientWriteOptions options =
        new ClientWriteOptions()
            .disableTransactions(false)
            .transactionChunkSize(MAX_CHANGES_PER_WRITE)
            .onDuplicate(WriteRequestWrites.OnDuplicateEnum.IGNORE)
            .onMissing(WriteRequestDeletes.OnMissingEnum.IGNORE);
    if (modelId != null) {
      options.authorizationModelId(modelId);
    }
    try {
      invoke(
          "write",
          writes.size() + " writes, " + deletes.size() + " deletes",
          () -> client.write(body, options));
    } finally {
      cache.clear();
    }
  }

  @Override
  public List<RelationshipTuple> read(ObjectRef object) {
    Objects.requireNonNull(object, "object");
    List<RelationshipTuple> tuples = new ArrayList<>();
    readAll(new ClientReadRequest()._object(object.toString()), tuples::add);
    return tuples;
  }

  @Override
  public void scan(Consumer<RelationshipTuple> sink) {
    Objects.requireNonNull(sink, "sink");
    readAll(new ClientReadRequest(), sink);
  }

  private void readAll(ClientReadRequest body, Consumer<RelationshipTuple> sink) {
    String continuation = null;
    do {
      ClientReadOptions options = new ClientReadOptions().pageSize(100);
      if (continuation != null) {
        options.continuationToken(continuation);
      }
      ReadResponse page =
          invoke(
              "read",
              body.getObject() == null ? "every tuple" : body.getObject(),
              () -> client.read(body, options));
      if (page.getTuples() != null) {
        for (Tuple tuple : page.getTuples()) {
          sink.accept(
              RelationshipTuple.of(
                  tuple.getKey().getUser(),
                  tuple.getKey().getRelation(),
                  tuple.getKey().getObject()));
        }
      }
      continuation = page.getContinuationToken();
    } while (continuation != null && !continuation.isEmpty());
  }

  private static List<ClientTupleKey> tupleKeys(List<RelationshipTuple> tuples) {
    List<ClientTupleKey> keys = new ArrayList<>(tuples.size());
    for (RelationshipTuple tuple : tuples) {
      keys.add(
          new ClientTupleKey()
              .user(tuple.subject().toString())
              .relation(tuple.relation())
              ._object(tuple.object().toString()));
    }
    return keys;
  }

  private static Decision decision(boolean allowed, CheckRequest request) {
    String what = request.relation() + " on " + request.object();
    return allowed
        ? Decision.allow("OpenFGA grants " + what)
        : Decision.deny("OpenFGA does not grant " + what);
  }

  private CacheKey cacheKey(CheckRequest request) {
    if (settings.checkCacheTtl().isZero() || !request.contextualTuples().isEmpty()) {
      return null;
    }
    return new CacheKey(
        request.subject().toString(), request.relation(), request.object().toString());
  }

  private void remember(CacheKey key, Decision decision) {
    if (key == null) {
      return;
    }
    if (cache.size() >= MAX_CACHE_ENTRIES) {
      cache.clear();
    }
    cache.put(
        key, new CachedDecision(decision, System.nanoTime() + settings.checkCacheTtl().toNanos()));
  }

  private static ClientConfiguration configuration(OpenFgaSettings settings) {
    ClientConfiguration configuration =
        new ClientConfiguration()
            .apiUrl(settings.apiUrl())
            .maxRetries(settings.maxRetries())
            .minimumRetryDelay(settings.minimumRetryDelay())
            .readTimeout(settings.requestTimeout())
            .connectTimeout(settings.requestTimeout());
    if (settings.authorizationModelId() != null) {
      configuration.authorizationModelId(settings.authorizationModelId());
    }
    OpenFgaCredentials credentials = settings.credentials();
    if (credentials instanceof OpenFgaCredentials.ApiToken token) {
      configuration.credentials(new Credentials(new ApiToken(token.revealToken())));
    } else if (credentials instanceof OpenFgaCredentials.ClientCredentials cc) {
      configuration.credentials(
          new Credentials(
              new ClientCredentials()
                  .apiTokenIssuer(cc.tokenIssuer())
                  .apiAudience(cc.audience())
                  .clientId(cc.clientId())
                  .clientSecret(cc.revealClientSecret())));
    }
    return configuration;
  }

  /** An SDK call that can throw before it returns its future. */
  @FunctionalInterface
  private interface SdkCall<T> {
    Future<T> start() throws FgaInvalidParameterException, FgaValidationError;
  }

  private static <T> T invoke(String operation, String target, SdkCall<T> call) {
    Future<T> future;
    try {
      future = call.start();
    } catch (FgaInvalidParameterException | FgaValidationError e) {
      throw new InvalidInputException("the OpenFGA " + operation + " request is not valid", e);
    }
    return call(operation, target, future);
  }

  private static <T> T call(String operation, String target, Future<T> future) {
    long started = System.nanoTime();
    String outcome = "ok";
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outcome = "interrupted";
      throw new RetriableException("the OpenFGA " + operation + " was interrupted", null, e);
    } catch (ExecutionException | CompletionException e) {
      RuntimeException mapped = failure(operation, e.getCause() == null ? e : e.getCause());
      outcome = mapped.getClass().getSimpleName();
      throw mapped;
    } finally {
      LOG.debug(
          "openfga {} ({}): {} in {} ms",
          operation,
          target,
          outcome,
          (System.nanoTime() - started) / 1_000_000);
    }
  }

  /**
   * Maps an SDK failure to a Nexus exception, keeping it as the cause. The message names the
   * operation, the HTTP status and OpenFGA's error code; OpenFGA's own message is kept only for
   * validation errors, where it says what is wrong with the request.
   */
  static RuntimeException failure(String operation, Throwable cause) {
    Throwable root = cause;
    while ((root instanceof CompletionException || root instanceof ExecutionException)
        && root.getCause() != null) {
      root = root.getCause();
    }
    if (root instanceof FgaError error) {
      int status = error.getStatusCode();
      String code = error.getApiErrorCode() == null ? "unknown" : error.getApiErrorCode();
      String what = "OpenFGA " + operation + " failed with HTTP " + status + " (" + code + ")";
      if (status == 400 || status == 422) {
        if (code.endsWith("authorization_model_not_found")) {
          return new ConfigurationException(
              what + ": the configured authorization model does not exist in the store", error);
        }
        String message = error.getApiErrorMessage();
        return new InvalidInputException(
            message == null || message.isBlank() ? what : what + ": " + shorten(message), error);
      }
      if (status == 401 || status == 403) {
        return new ConfigurationException(what + ": check the OpenFGA credentials", error);
      }
      if (status == 404) {
        return new ConfigurationException(
            what + ": the configured store does not exist on this server", error);
      }
      if (status == 409) {
        return new ConflictException(what, error);
      }
      if (status == 429 || (status >= 500 && status != 501)) {
        return new RetriableException(what, retryAfter(error.getRetryAfterHeader()), error);
      }
      return new ProviderException(what, error);
    }
    if (root instanceof ApiException api && api.getStatusCode() >= 500) {
      return new RetriableException(
          "OpenFGA " + operation + " failed with HTTP " + api.getStatusCode(), null, api);
    }
    if (root instanceof IOException || root instanceof ApiException) {
      return new RetriableException("OpenFGA could not be reached for " + operation, null, root);
    }
    if (root instanceof NexusException nexus) {
      return nexus;
    }
    return new ProviderException("OpenFGA " + operation + " failed unexpectedly", root);
  }

  private static String shorten(String message) {
    return message.length() <= 200 ? message : message.substring(0, 200) + "...";
  }

  private static Duration retryAfter(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    try {
      return Duration.ofSeconds(Long.parseLong(header.trim()));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** For tests: how many check answers are cached. */
  int cachedDecisions() {
    return cache.size();
  }

  /** The settings this instance was made with. */
  public OpenFgaSettings settings() {
    return settings;
  }
}
