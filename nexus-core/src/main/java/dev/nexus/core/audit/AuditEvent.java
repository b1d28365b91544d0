package dev.nexus.core.audit;

import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One decision, as recorded: who ({@code actor}, null for the system), what ({@code action}), on
 * what ({@code target}, for example a tool name or an approval id) and short {@code details}. No
 * detail ever holds a token, a secret or message content.
 */
public record AuditEvent(
    OrganizationId organization,
    Instant at,
    UserId actor,
    AuditAction action,
    String target,
    Map<String, String> details) {

  public AuditEvent {
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(target, "target");
    details = Collections.unmodifiableMap(new TreeMap<>(details));
  }
}
