package dev.nexus.vault;

import dev.nexus.core.identity.OrganizationDirectory;
import dev.nexus.testkit.contract.OrganizationDirectoryContract;

class JdbiOrganizationDirectoryContractTest extends OrganizationDirectoryContract {

  @Override
  protected OrganizationDirectory createDirectory() {
    return new JdbiOrganizationDirectory(SharedDatabase.get().jdbi());
  }
}
