package dev.nexus.testkit.openfga;

import dev.nexus.authz.NexusAuthorizationModel;
import dev.nexus.authz.local.LocalFgaAuthorizer;
import dev.nexus.testkit.contract.AuthorizerContract;

/** The authorizer contract against the embedded evaluator with the Nexus model. */
class LocalFgaAuthorizerContractTest extends AuthorizerContract {

  @Override
  protected Subject createSubject() {
    return Subject.of(new LocalFgaAuthorizer(NexusAuthorizationModel.model()));
  }
}
