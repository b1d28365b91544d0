package dev.nexus.testkit.openfga;

import dev.nexus.authz.openfga.OpenFgaAuthorizer;
import dev.nexus.authz.openfga.OpenFgaCredentials;
import dev.nexus.authz.openfga.OpenFgaSettings;
import dev.nexus.testkit.contract.AuthorizerContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The authorizer contract against the OpenFGA adapter, through the real SDK and the fake. */
class OpenFgaAuthorizerContractTest extends AuthorizerContract {

  private static FakeOpenFgaServer fga;
  private static OpenFgaSettings settings;

  @BeforeAll
  static void startServer() {
    fga = FakeOpenFgaServer.start();
    OpenFgaSettings base =
        OpenFgaSettings.of(fga.baseUrl(), "placeholder", new OpenFgaCredentials.None())
            .withRetries(1, Duration.ofMillis(1));
    String store = OpenFgaAuthorizer.createStore(base, "nexus-contract");
    OpenFgaSettings forStore =
        new OpenFgaSettings(
            base.apiUrl(),
            store,
            null,
            base.credentials(),
            base.maxRetries(),
            base.minimumRetryDelay(),
            base.requestTimeout(),
            base.checkCacheTtl());
    String model = new OpenFgaAuthorizer(forStore).writeNexusModel();
    settings = forStore.withAuthorizationModelId(model);
  }

  @AfterAll
  static void stopServer() {
    fga.close();
  }

  @Override
  protected Subject createSubject() {
    return Subject.of(new OpenFgaAuthorizer(settings));
  }
}
