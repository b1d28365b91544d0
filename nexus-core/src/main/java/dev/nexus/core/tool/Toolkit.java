package dev.nexus.core.tool;

import dev.nexus.core.vault.OAuthProvider;
import java.util.List;
import java.util.Optional;

/** What a connector contributes: a set of tools and, if they need one, its OAuth provider. */
public interface Toolkit {

  /** A short name for this toolkit, for example {@code gmail}. */
  String name();

  /** The tools, each with a name unique across every toolkit of an agent. */
  List<Tool> tools();

  /** The OAuth provider whose grants the tools use, or empty when they need none. */
  Optional<OAuthProvider> oauthProvider();
}
