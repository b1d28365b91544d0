package dev.nexus.core.identity;

import java.util.Objects;

/**
 * A bearer credential as presented by a caller, for example an Auth0 access token. It never prints
 * its value; read it with {@link #reveal()}.
 */
public final class Credential {

  private final String value;

  private Credential(String value) {
    this.value = value;
  }

  /** Wraps a bearer token exactly as presented (it may be malformed; authenticators decide). */
  public static Credential bearer(String value) {
    return new Credential(Objects.requireNonNull(value, "value"));
  }

  /** The raw credential. Never log or echo what this returns. */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "Credential[redacted]";
  }
}
