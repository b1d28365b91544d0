package dev.nexus.core.tool;

import dev.nexus.core.identity.Principal;
import dev.nexus.core.vault.AccessToken;
import dev.nexus.core.vault.GrantKey;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.core.vault.TokenVault;
import java.time.Clock;
import java.util.Objects;

/**
 * What a tool may use while it runs: the principal it acts for, the clock, and that principal's own
 * OAuth grants. A tool can only reach the grants of the principal it runs for.
 */
public final class ToolContext {

  private final Principal principal;
  private final TokenVault vault;
  private final Clock clock;

  public ToolContext(Principal principal, TokenVault vault, Clock clock) {
    this.principal = Objects.requireNonNull(principal, "principal");
    this.vault = Objects.requireNonNull(vault, "vault");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public Principal principal() {
    return principal;
  }

  public Clock clock() {
    return clock;
  }

  /**
   * A valid access token for this principal's connection to {@code provider}, refreshed first if it
   * is about to expire.
   *
   * @throws dev.nexus.core.error.ReconnectRequiredException when the account is not connected or
   *     its grant was revoked
   */
  public AccessToken accessToken(ProviderId provider) {
    return vault.accessToken(GrantKey.of(principal, provider));
  }

  /**
   * A new access token after the provider answered 401 to {@code rejected}; see {@link
   * TokenVault#refreshRejected}. Call it at most once per request.
   *
   * @throws dev.nexus.core.error.ReconnectRequiredException when the account must be connected
   *     again
   */
  public AccessToken refreshRejected(ProviderId provider, AccessToken rejected) {
    return vault.refreshRejected(GrantKey.of(principal, provider), rejected);
  }
}
