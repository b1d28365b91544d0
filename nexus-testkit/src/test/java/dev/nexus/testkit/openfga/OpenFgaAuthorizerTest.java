package dev.nexus.testkit.openfga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.authz.NexusAuthorizationModel;
import dev.nexus.authz.openfga.OpenFgaAuthorizer;
import dev.nexus.authz.openfga.OpenFgaCredentials;
import dev.nexus.authz.openfga.OpenFgaSettings;
import dev.nexus.core.authorization.Capability;
import dev.nexus.core.authorization.CheckRequest;
import dev.nexus.core.authorization.Decision;
import dev.nexus.core.authorization.ObjectRef;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.core.authorization.SubjectRef;
import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.error.RetriableException;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import dev.nexus.testkit.auth0.FakeAuth0Server;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OpenFGA adapter's own behaviour, through the real SDK against the fake server. */
class OpenFgaAuthorizerTest {

  private static final OrganizationId ACME = OrganizationId.of("acme");
  private static final UserId ALICE = UserId.of("alice");

  private FakeOpenFgaServer fga;
  private String store;
  private String model;
  private OpenFgaSettings settings;

  @BeforeEach
  void start() {
    fga = FakeOpenFgaServer.start();
    store = fga.createStore("nexus-test");
    model = fga.writeModel(store, NexusAuthorizationModel.dsl());
    settings =
        OpenFgaSettings.of(fga.baseUrl(), store, new OpenFgaCredentials.None())
            .withAuthorizationModelId(model)
            .withRetries(1, Duration.ofMillis(1));
  }

  @AfterEach
  void stop() {
    fga.close();
  }

  private static RelationshipTuple member(UserId user, OrganizationId organization) {
    return new RelationshipTuple(
        SubjectRef.user(user), "member", Capability.organizationObject(organization));
  }

  private static CheckRequest canSendMail(UserId user) {
    return CheckRequest.of(
        SubjectRef.user(user),
        Capability.SEND_MAIL.relation(),
        Capability.organizationObject(ACME));
  }

  @Test
  void writeNexusModel_onAFreshStore_evaluatesWithTheNewModel() {
    String fresh = OpenFgaAuthorizer.createStore(settings, "fresh-store");
    OpenFgaAuthorizer authorizer =
        new OpenFgaAuthorizer(
            OpenFgaSettings.of(fga.baseUrl(), fresh, new OpenFgaCredentials.None())
                .withRetries(1, Duration.ofMillis(1)));

    String id = authorizer.writeNexusModel();
    authorizer.write(List.of(member(ALICE, ACME)), List.of());

    assertThat(id).hasSize(26);
    assertThat(authorizer.authorizationModelId()).isEqualTo(id);
    assertThat(authorizer.check(canSendMail(ALICE)).allowed()).isTrue();
  }

  @Test
  void writeModel_dslWithASyntaxError_isInvalidInput() {
    OpenFgaAuthorizer authorizer = new OpenFgaAuthorizer(settings);

    assertThatThrownBy(() -> authorizer.writeModel("model\n  schema 1.1\ntype user\n  relations"))
        .isInstanceOf(InvalidInputException.class);
    assertThat(authorizer.authorizationModelId()).isEqualTo(model);
  }

  @Test
  void writeModel_refusedByTheServer_isInvalidInputNamingOpenFgasCode() {
    OpenFgaAuthorizer authorizer = new OpenFgaAuthorizer(settings);
    String conditioned =
        String.join(
            "\n",
            "model",
            "  schema 1.1",
            "type user",
            "type doc",
            "  relations",
            "    define viewer: [user with office_hours]",
            "condition office_hours(hour: int) {",
            "  hour > 8",
            "}",
            "");

    assertThatThrownBy(() -> authorizer.writeModel(conditioned))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("HTTP 400 (invalid_authorization_model)");
  }

  @Test
  void check_relationTheModelLacks_isInvalidInput() {
    OpenFgaAuthorizer authorizer = new OpenFgaAuthorizer(settings);

    assertThatThrownBy(
            () ->
                authorizer.check(
                    CheckRequest.of(
                        SubjectRef.user(ALICE), "can_fly", Capability.organizationObject(ACME))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("HTTP 400")
        .hasMessageContaining("can_fly");
  }

  @Test
  void check_rateLimitedBeyondTheRetries_isRetriableWithTheServersWait() {
    OpenFgaAuthorizer authorizer = new OpenFgaAuthorizer(settings);
    fga.failNextRequests(2, 429);
    int before = fga.requestCount();

    assertThatThrownBy(() -> authorizer.check(canSendMail(ALICE)))
        .isInstanceOfSatisfying(
            RetriableException.class,
            e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(1)));
    assertThat(fga.requestCount() - before).isEqualTo(2);
  }

  @Test
  void check_oneServerErrorThenSuccess_isRetriedByTheSdk() {
    OpenFgaAuthorizer authorizer = new OpenFgaAuthorizer(settings);
    authorizer.write(List.of(member(ALICE, ACME)), List.of());
    fga.failNextRequests(1, 500);

    Decision decision = authorizer.check(canSendMail(ALICE));

    assertThat(decision.allowed()).isTrue();
  }

  @Test
  void write_serverUnavailable_isRetriable() {
    OpenFgaAuthorizer authorizer = new OpenFgaAuthorizer(settings);
    fga.failNextRequests(5, 503);

    assertThatThrownBy(() -> authorizer.write(List.of(member(ALICE, ACME)), List.of()))
        .isInstanceOf(RetriableException.class)
        .hasMessageContaining("HTTP 503");
  }

  @Test
  void check_unknownStore_isAConfigurationProblem() {
    OpenFgaAuthorizer authorizer =
        new OpenFgaAuthorizer(
            OpenFgaSettings.of(
                    fga.baseUrl(), "01HZZZZZZZZZZZZZZZZZZZZZZZ", new OpenFgaCredentials.None())
                .withRetries(0, Duration.ofMillis(1)));

    assertThatThrownBy(() -> authorizer.check(canSendMail(ALICE)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("store");
  }

  @Test
  void check_unknownPinnedModel_isAConfigurationProblem() {
    OpenFgaAuthorizer authorizer =
        new OpenFgaAuthorizer(settings.withAuthorizationModelId("01HYYYYYYYYYYYYYYYYYYYYYYY"));

    assertThatThrownBy(() -> authorizer.check(canSendMail(ALICE)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("authorization model");
  }

  @Test
  void check_serverUnreachable_isRetriable() {
    FakeOpenFgaServer gone = FakeOpenFgaServer.start();
    String url = gone.baseUrl();
    gone.close();
    OpenFgaAuthorizer authorizer =
        new OpenFgaAuthorizer(
            OpenFgaSettings.of(url, store, new OpenFgaCredentials.None())
                .withRetries(0, Duration.ofMillis(1))
                .withRequestTimeout(Duration.ofSeconds(2)));

    assertThatThrownBy(() -> authorizer.check(canSendMail(ALICE)))
        .isInstanceOf(RetriableException.class);
  }

  @Test
  void apiToken_acceptedByTheServer_authorizes() {
    fga.requireBearer("fga-test-token"::equals);
    OpenFgaAuthorizer authorizer =
        new OpenFgaAuthorizer(
            new OpenFgaSettings(
                settings.apiUrl(),
                store,
                model,
                new OpenFgaCredentials.ApiToken("fga-test-token"),
                1,
                Duration.ofMillis(1),
                Duration.ofSeconds(5),
                Duration.ZERO));

    authorizer.write(List.of(member(ALICE, ACME)), List.of());

    assertThat(authorizer.check(canSendMail(ALICE)).allowed()).isTrue();
  }

  @Test
  void apiToken_refusedByTheServer_isAConfigurationProblem() {
    fga.requireBearer("fga-test-token"::equals);
    OpenFgaAuthorizer authorizer =
        new OpenFgaAuthorizer(
            new OpenFgaSettings(
                settings.apiUrl(),
                store,
                model,
                new OpenFgaCredentials.ApiToken("wrong-token"),
                1,
                Duration.ofMillis(1),
                Duration.ofSeconds(5),
                Duration.ZERO));

    assertThatThrownBy(() -> authorizer.check(canSendMail(ALICE)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("HTTP 401")
        .hasMessageNotContaining("wrong-token");
  }

  @Test
  void clientCredentials_tokensFromTheIssuer_authorize() {
    String audience = "https://fga.nexus.test/";
    try (FakeAuth0Server auth0 = FakeAuth0Server.start()) {
      fga.requireBearer(token -> auth0.verifies(token, audience));
      OpenFgaAuthorizer authorizer =
          new OpenFgaAuthorizer(
              new OpenFgaSettings(
                  settings.apiUrl(),
                  store,
                  model,
                  new OpenFgaCredentials.ClientCredentials(
                      auth0.baseUrl(),
                      audience,
                      FakeAuth0Server.DEFAULT_CLIENT_ID,
                      FakeAuth0Server.DEFAULT_CLIENT_SECRET),
                  1,
                  Duration.ofMillis(1),
                  Duration.ofSeconds(5),
                  Duration.ZERO));

      authorizer.write(List.of(member(ALICE, ACME)), List.of());

      assertThat(authorizer.check(canSendMail(ALICE)).allowed()).isTrue();
    }
  }

  @Test
  void batchCheck_moreChecksThanOneServerBatch_answersEachAtItsIndex() {
    OpenFgaAuthorizer authorizer = new OpenFgaAuthorizer(settings);
    List<RelationshipTuple> members = new ArrayList<>();
    List<CheckRequest> checks = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      UserId user = UserId.of("user-" + i);
      if (i % 3 == 0) {
        members.add(member(user, ACME));
      }
      checks.add(canSendMail(user));
    }
    authorizer.write(members.subList(0, 40), List.of());

    List<Decision> decisions = authorizer.batchCheck(checks);

    assertThat(decisions).hasSize(120);
    for (int i = 0; i < 120; i++) {
      assertThat(decisions.get(i).allowed()).as("check %d", i).isEqualTo(i % 3 == 0);
    }
  }

  @Test
  void scan_moreTuplesThanOnePage_handsOverEveryTuple() {
    OpenFgaAuthorizer authorizer = new OpenFgaAuthorizer(settings);
    for (int batch = 0; batch < 3; batch++) {
      List<RelationshipTuple> tuples = new ArrayList<>();
      for (int i = 0; i < 90; i++) {
        tuples.add(member(UserId.of("u" + batch + "-" + i), ACME));
      }
      authorizer.write(tuples, List.of());
    }
    List<RelationshipTuple> scanned = new ArrayList<>();

    authorizer.scan(scanned::add);

    assertThat(scanned).hasSize(270).doesNotHaveDuplicates();
    assertThat(authorizer.read(Capability.organizationObject(ACME))).hasSize(270);
  }

  @Test
  void write_moreChangesThanOpenFgaAllows_isRefusedBeforeAnyRequest() {
    OpenFgaAuthorizer authorizer = new OpenFgaAuthorizer(settings);
    List<RelationshipTuple> tuples = new ArrayList<>();
    for (int i = 0; i < 101; i++) {
      tuples.add(member(UserId.of("bulk-" + i), ACME));
    }
    int before = fga.requestCount();

    assertThatThrownBy(() -> authorizer.write(tuples, List.of()))
        .isInstanceOf(InvalidInputException.class);
    assertThat(fga.requestCount()).isEqualTo(before);
  }

  @Test
  void listObjects_returnsTheDocumentsTheUserMayView() {
    OpenFgaAuthorizer authorizer = new OpenFgaAuthorizer(settings);
    ObjectRef plan = ObjectRef.of("document", "plan");
    ObjectRef budget = ObjectRef.of("document", "budget");
    authorizer.write(
        List.of(
            new RelationshipTuple(SubjectRef.user(ALICE), "viewer", plan),
            new RelationshipTuple(SubjectRef.user(UserId.of("bob")), "viewer", budget)),
        List.of());

    assertThat(authorizer.listObjects(SubjectRef.user(ALICE), "viewer", "document"))
        .containsExactly(plan);
  }

  @Test
  void checkCache_off_seesChangesMadeElsewhereAtOnce() {
    OpenFgaAuthorizer authorizer = new OpenFgaAuthorizer(settings);
    authorizer.write(List.of(member(ALICE, ACME)), List.of());
    assertThat(authorizer.check(canSendMail(ALICE)).allowed()).isTrue();

    fga.evaluator(store).write(List.of(), List.of(member(ALICE, ACME)));

    assertThat(authorizer.check(canSendMail(ALICE)).allowed()).isFalse();
  }

  @Test
  void checkCache_on_reusesAnswersUntilThisInstanceWrites() {
    OpenFgaAuthorizer authorizer =
        new OpenFgaAuthorizer(settings.withCheckCache(Duration.ofMinutes(1)));
    authorizer.write(List.of(member(ALICE, ACME)), List.of());
    assertThat(authorizer.check(canSendMail(ALICE)).allowed()).isTrue();
    fga.evaluator(store).write(List.of(), List.of(member(ALICE, ACME)));
    int before = fga.requestCount();

    boolean cached = authorizer.check(canSendMail(ALICE)).allowed();
    int requestsForCachedCheck = fga.requestCount() - before;
    authorizer.write(List.of(), List.of(member(UserId.of("someone-else"), ACME)));
    boolean afterWrite = authorizer.check(canSendMail(ALICE)).allowed();

    assertThat(cached).isTrue();
    assertThat(requestsForCachedCheck).isZero();
    assertThat(afterWrite).isFalse();
  }

  @Test
  void settings_rejectARetryDelayBelowOneMillisecond() {
    assertThatThrownBy(() -> settings.withRetries(3, Duration.ZERO))
        .isInstanceOf(ConfigurationException.class);
  }

  @Test
  void credentials_neverPrintTheirSecrets() {
    assertThat(new OpenFgaCredentials.ApiToken("s3cr3t-token").toString()).doesNotContain("s3cr3t");
    assertThat(new OpenFgaCredentials.ClientCredentials("issuer", "aud", "id", "s3cr3t").toString())
        .doesNotContain("s3cr3t");
  }
}
