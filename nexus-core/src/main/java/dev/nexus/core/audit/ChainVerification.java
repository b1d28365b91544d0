package dev.nexus.core.audit;

import java.util.Optional;

/**
 * The result of checking an organization's audit chain: how many records were checked and, when the
 * chain is broken, the first sequence number where it breaks and why.
 */
public record ChainVerification(long checked, Long brokenAt, String problem) {

  public static ChainVerification intact(long checked) {
    return new ChainVerification(checked, null, null);
  }

  public static ChainVerification broken(long checked, long at, String problem) {
    return new ChainVerification(checked, at, problem);
  }

  public boolean isIntact() {
    return brokenAt == null;
  }

  public Optional<Long> firstBrokenSequence() {
    return Optional.ofNullable(brokenAt);
  }
}
