package dev.nexus.testkit.openfga;

import dev.nexus.authz.NexusAuthorizationModel;
import dev.nexus.authz.openfga.OpenFgaAuthorizer;
import dev.nexus.authz.openfga.OpenFgaCredentials;
import dev.nexus.authz.openfga.OpenFgaSettings;
import dev.nexus.core.authorization.RelationshipStore;
import dev.nexus.testkit.contract.RelationshipStoreContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The relationship-store contract against the OpenFGA adapter, through the SDK and the fake. */
class OpenFgaRelationshipStoreContractTest extends RelationshipStoreContract {

  private static FakeOpenFgaServer fga;
  private static OpenFgaSettings settings;

  @BeforeAll
  static void startServer() {
    fga = FakeOpenFgaServer.start();
    String store = fga.createStore("nexus-store-contract");
    String model = fga.writeModel(store, NexusAuthorizationModel.dsl());
    settings =
        OpenFgaSettings.of(fga.baseUrl(), store, new OpenFgaCredentials.None())
            .withAuthorizationModelId(model)
            .withRetries(1, Duration.ofMillis(1));
  }

  @AfterAll
  static void stopServer() {
    fga.close();
  }

  @Override
  protected RelationshipStore createStore() {
    return new OpenFgaAuthorizer(settings);
  }
}
