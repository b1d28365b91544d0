package dev.nexus.core.approval;

import dev.nexus.core.Identifiers;
import java.util.UUID;

/** Identifies a pending approval. */
public record ApprovalId(String value) {

  public ApprovalId {
    Identifiers.check("approval id", value);
  }

  /** A new random id. */
  public static ApprovalId random() {
    return new ApprovalId(UUID.randomUUID().toString());
  }

  @Override
  public String toString() {
    return value;
  }
}
