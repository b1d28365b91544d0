package dev.nexus.connectors.gmail;

import com.google.api.services.gmail.GmailScopes;
import dev.nexus.core.error.ReconnectRequiredException;
import dev.nexus.core.vault.AccessToken;
import java.util.Set;

/**
 * A permission a Gmail tool needs, the scope Nexus asks Google for to get it, and every scope that
 * also grants it (Google's broader scopes include the narrower ones).
 */
enum GmailPermission {
  READ(
      "read mail",
      GmailScopes.GMAIL_READONLY,
      Set.of(GmailScopes.GMAIL_READONLY, GmailScopes.GMAIL_MODIFY, GmailScopes.MAIL_GOOGLE_COM)),
  SEND(
      "send mail",
      GmailScopes.GMAIL_SEND,
      Set.of(
          GmailScopes.GMAIL_SEND,
          GmailScopes.GMAIL_COMPOSE,
          GmailScopes.GMAIL_MODIFY,
          GmailScopes.MAIL_GOOGLE_COM)),
  COMPOSE(
      "create drafts",
      GmailScopes.GMAIL_COMPOSE,
      Set.of(GmailScopes.GMAIL_COMPOSE, GmailScopes.GMAIL_MODIFY, GmailScopes.MAIL_GOOGLE_COM)),
  MODIFY(
      "change labels and move mail to the trash",
      GmailScopes.GMAIL_MODIFY,
      Set.of(GmailScopes.GMAIL_MODIFY, GmailScopes.MAIL_GOOGLE_COM));

  private final String description;
  private final String requestedScope;
  private final Set<String> grantingScopes;

  GmailPermission(String description, String requestedScope, Set<String> grantingScopes) {
    this.description = description;
    this.requestedScope = requestedScope;
    this.grantingScopes = grantingScopes;
  }

  /** The scope Nexus asks for to obtain this permission. */
  String requestedScope() {
    return requestedScope;
  }

  /** Whether the token carries a scope that grants this permission. */
  boolean grantedBy(AccessToken token) {
    return token.scopes().stream().anyMatch(grantingScopes::contains);
  }

  /** Fails unless the token grants this permission, before any request reaches Gmail. */
  void require(AccessToken token) {
    if (!grantedBy(token)) {
      throw new ReconnectRequiredException(
          "Gmail is connected without permission to "
              + description
              + "; connect Gmail again and allow Nexus to "
              + description
              + ".");
    }
  }
}
