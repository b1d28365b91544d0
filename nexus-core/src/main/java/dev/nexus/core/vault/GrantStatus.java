package dev.nexus.core.vault;

/** Whether a stored grant can be used. */
public enum GrantStatus {
  /** Usable, refreshing it when it nears expiry. */
  ACTIVE,
  /** The provider refused the refresh token; the user must connect again. */
  NEEDS_RECONNECT
}
