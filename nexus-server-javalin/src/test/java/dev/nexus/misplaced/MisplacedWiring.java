package dev.nexus.misplaced;

import dev.nexus.authz.NexusAuthorizationModel;
import dev.nexus.authz.local.LocalFgaAuthorizer;
import dev.nexus.vault.JdbiRelationshipStore;
import dev.nexus.vault.VaultDatabase;

/**
 * Wiring that combines two adapters outside the server, testkit and bench: it exists only for
 * ArchitectureTest to prove its rule against such classes fails. Never called.
 */
public final class MisplacedWiring {

  private MisplacedWiring() {}

  static LocalFgaAuthorizer authorizer(VaultDatabase database) {
    return LocalFgaAuthorizer.writingThrough(
        NexusAuthorizationModel.model(), new JdbiRelationshipStore(database.jdbi()));
  }
}
