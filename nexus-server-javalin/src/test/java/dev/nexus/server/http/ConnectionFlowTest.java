package dev.nexus.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Principal;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.vault.AuthorizationRequest;
import dev.nexus.core.vault.IssuedTokens;
import dev.nexus.core.vault.OAuthProvider;
import dev.nexus.core.vault.Pkce;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.core.vault.Secret;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The connect flow's sealed state: bound, single-use, short-lived and unreadable. */
class ConnectionFlowTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T08:00:00Z"));
  private final ConnectionFlow flow = ConnectionFlow.withRandomKey(clock);
  private final CapturingProvider gmail = new CapturingProvider();
  private final Principal ann =
      new Principal(UserId.of("auth0|ann"), OrganizationId.of("org-a"), Role.MEMBER);

  private String newState() {
    flow.authorizationUrl(
        ann, ProviderId.GMAIL, gmail, URI.create("https://nexus.test/callback"), null);
    return gmail.last.get().state();
  }

  @Test
  void aState_opensOnce_toItsOrganizationUserProviderAndVerifier() {
    String state = newState();

    ConnectionFlow.Pending pending = flow.open(state, ProviderId.GMAIL);

    assertThat(pending.organization()).isEqualTo(ann.organization());
    assertThat(pending.user()).isEqualTo(ann.user());
    assertThat(pending.provider()).isEqualTo(ProviderId.GMAIL);
    assertThat(Pkce.challenge(pending.verifier())).isEqualTo(gmail.last.get().codeChallenge());
    assertThatThrownBy(() -> flow.open(state, ProviderId.GMAIL))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("already used");
  }

  @Test
  void aState_forAnotherProvider_isRefused_andStaysUnused() {
    String state = newState();

    assertThatThrownBy(() -> flow.open(state, ProviderId.NOTION))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("another provider");
    assertThat(flow.open(state, ProviderId.GMAIL).user()).isEqualTo(ann.user());
  }

  @Test
  void aState_expiresAfterTenMinutes() {
    String state = newState();
    clock.advance(ConnectionFlow.STATE_TTL.plusSeconds(1));

    assertThatThrownBy(() -> flow.open(state, ProviderId.GMAIL))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("expired");
  }

  @Test
  void aTamperedOrForeignState_isRefused() {
    String state = newState();
    byte[] raw = Base64.getUrlDecoder().decode(state);
    raw[raw.length / 2] ^= 1;
    String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    String fromAnotherServer = sealedByAnotherKey();

    for (String bad :
        new String[] {tampered, fromAnotherServer, "", "not base64 !", "AAAA", "x".repeat(5000)}) {
      assertThatThrownBy(() -> flow.open(bad, ProviderId.GMAIL))
          .as(bad.length() > 40 ? bad.substring(0, 40) : bad)
          .isInstanceOf(InvalidInputException.class);
    }
    assertThatThrownBy(() -> flow.open(null, ProviderId.GMAIL))
        .isInstanceOf(InvalidInputException.class);
    assertThat(flow.open(state, ProviderId.GMAIL).user()).isEqualTo(ann.user());
  }

  @Test
  void aState_revealsNeitherTheUserNorTheVerifier() {
    String state = newState();
    String decoded = new String(Base64.getUrlDecoder().decode(state), StandardCharsets.ISO_8859_1);

    assertThat(decoded).doesNotContain("auth0|ann").doesNotContain("org-a");
    ConnectionFlow.Pending pending = flow.open(state, ProviderId.GMAIL);
    assertThat(state).doesNotContain(pending.verifier());
  }

  private String sealedByAnotherKey() {
    ConnectionFlow other = ConnectionFlow.withRandomKey(clock);
    CapturingProvider capture = new CapturingProvider();
    other.authorizationUrl(
        ann, ProviderId.GMAIL, capture, URI.create("https://nexus.test/callback"), null);
    return capture.last.get().state();
  }

  /** Keeps the last authorization request; nothing else is used by the flow. */
  private static final class CapturingProvider implements OAuthProvider {
    final AtomicReference<AuthorizationRequest> last = new AtomicReference<>();

    @Override
    public ProviderId provider() {
      return ProviderId.GMAIL;
    }

    @Override
    public Set<String> scopes() {
      return Set.of("scope");
    }

    @Override
    public URI authorizationUrl(AuthorizationRequest request) {
      last.set(request);
      return URI.create("https://consent.test/?state=" + request.state());
    }

    @Override
    public IssuedTokens exchange(String code, String codeVerifier, URI redirectUri) {
      throw new UnsupportedOperationException("not used by the flow");
    }

    @Override
    public IssuedTokens refresh(Secret refreshToken) {
      throw new UnsupportedOperationException("not used by the flow");
    }

    @Override
    public void revoke(Secret token) {
      throw new UnsupportedOperationException("not used by the flow");
    }
  }

  private static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
