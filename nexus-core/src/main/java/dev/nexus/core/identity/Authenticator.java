package dev.nexus.core.identity;

/**
 * Verifies a bearer credential into a {@link Principal}. Implementations check the credential
 * cryptographically and resolve the organization and role; a user who arrives with no organization
 * is given a personal one on first login.
 */
public interface Authenticator {

  /**
   * Authenticates a credential. A bad credential is a {@link AuthenticationResult.Refused} value,
   * not an exception.
   *
   * @throws dev.nexus.core.error.RetriableException when a dependency (keys, directory) is down
   */
  AuthenticationResult authenticate(Credential credential);
}
