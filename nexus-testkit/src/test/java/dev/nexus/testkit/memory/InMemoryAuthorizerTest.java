package dev.nexus.testkit.memory;

import dev.nexus.testkit.contract.AuthorizerContract;

class InMemoryAuthorizerTest extends AuthorizerContract {

  @Override
  protected Subject createSubject() {
    return Subject.of(new InMemoryAuthorizer());
  }
}
