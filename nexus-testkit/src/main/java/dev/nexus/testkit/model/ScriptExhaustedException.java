package dev.nexus.testkit.model;

/**
 * The scripted model was called more often than its script has answers. It is an {@link
 * AssertionError}, not a Nexus exception, so code under test that handles model failures does not
 * swallow it: the test fails and says how many calls were scripted.
 */
public final class ScriptExhaustedException extends AssertionError {

  private static final long serialVersionUID = 1L;

  ScriptExhaustedException(String message) {
    super(message);
  }
}
