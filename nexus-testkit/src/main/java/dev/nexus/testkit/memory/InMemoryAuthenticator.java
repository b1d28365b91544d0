package dev.nexus.testkit.memory;

import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.identity.AuthenticationResult;
import dev.nexus.core.identity.AuthenticationResult.Authenticated;
import dev.nexus.core.identity.AuthenticationResult.Refused;
import dev.nexus.core.identity.Authenticator;
import dev.nexus.core.identity.Credential;
import dev.nexus.core.identity.Principal;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * An {@link Authenticator} that knows a fixed set of bearer strings, each naming a principal. It
 * checks nothing cryptographically: it stands in for a real identity provider in tests.
 * Thread-safe.
 */
public final class InMemoryAuthenticator implements Authenticator {

  private final ConcurrentMap<String, Principal> principals = new ConcurrentHashMap<>();

  /** Makes {@code bearer} authenticate as {@code principal}, replacing any earlier mapping. */
  public InMemoryAuthenticator register(String bearer, Principal principal) {
    Objects.requireNonNull(bearer, "bearer");
    Objects.requireNonNull(principal, "principal");
    if (bearer.isBlank()) {
      throw new InvalidInputException("a bearer string must not be blank");
    }
    principals.put(bearer, principal);
    return this;
  }

  /** Makes {@code bearer} unknown again; returns whether it was known. */
  public boolean revoke(String bearer) {
    Objects.requireNonNull(bearer, "bearer");
    return principals.remove(bearer) != null;
  }

  @Override
  public AuthenticationResult authenticate(Credential credential) {
    Objects.requireNonNull(credential, "credential");
    String bearer = credential.reveal();
    if (bearer.isBlank()) {
      return new Refused("the bearer token is empty");
    }
    Principal principal = principals.get(bearer);
    if (principal == null) {
      return new Refused("the bearer token is not known");
    }
    return new Authenticated(principal);
  }
}
