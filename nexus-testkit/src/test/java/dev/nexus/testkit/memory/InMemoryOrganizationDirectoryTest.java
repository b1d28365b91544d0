package dev.nexus.testkit.memory;

import dev.nexus.core.identity.OrganizationDirectory;
import dev.nexus.testkit.contract.OrganizationDirectoryContract;

class InMemoryOrganizationDirectoryTest extends OrganizationDirectoryContract {

  @Override
  protected OrganizationDirectory createDirectory() {
    return new InMemoryOrganizationDirectory();
  }
}
