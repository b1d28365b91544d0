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
import dev.nexus.testkit.MutableClock;
import dev.nexus.testkit.memory.InMemoryConnectionAttempts;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The connect flow's state: bound, single-use on every node, short-lived and meaningless. */
class ConnectionFlowTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T08:00:00Z"));
  private final InMemoryConnectionAttempts attempts = new InMemoryConnectionAttempts();
  private final ConnectionFlow flow = new ConnectionFlow(attempts, clock);
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
  void aTamperedForeignOrMalformedState_isRefused() {
    String state = newState();
    char flipped = state.charAt(10) == 'A' ? 'B' : 'A';
    String tampered = state.substring(0, 10) + flipped + state.substring(11);
    String fromAnotherDeployment = stateOfAnotherDeployment();

    for (String bad :
        new String[] {
          tampered, fromAnotherDeployment, "", "not base64 !", "AAAA", state + "A", "x".repeat(5000)
        }) {
      assertThatThrownBy(() -> flow.open(bad, ProviderId.GMAIL))
          .as(bad.length() > 50 ? bad.substring(0, 50) : bad)
          .isInstanceOf(InvalidInputException.class);
    }
    assertThatThrownBy(() -> flow.open(null, ProviderId.GMAIL))
        .isInstanceOf(InvalidInputException.class);
    assertThat(flow.open(state, ProviderId.GMAIL).user()).isEqualTo(ann.user());
  }

  @Test
  void aState_revealsNeitherTheUserNorTheVerifier_andIsNeverRepeated() {
    String state = newState();
    String decoded = new String(Base64.getUrlDecoder().decode(state), StandardCharsets.ISO_8859_1);

    assertThat(decoded).doesNotContain("auth0|ann").doesNotContain("org-a");
    assertThat(state).isNotEqualTo(newState());
    ConnectionFlow.Pending pending = flow.open(state, ProviderId.GMAIL);
    assertThat(state).doesNotContain(pending.verifier());
  }

  @Test
  void aStateBegunOnOneNode_opensOnAnother_once() {
    ConnectionFlow otherNode = new ConnectionFlow(attempts, clock);
    String state = newState();

    assertThat(otherNode.open(state, ProviderId.GMAIL).user()).isEqualTo(ann.user());
    assertThatThrownBy(() -> flow.open(state, ProviderId.GMAIL))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("already used");
  }

  private String stateOfAnotherDeployment() {
    ConnectionFlow other = new ConnectionFlow(new InMemoryConnectionAttempts(), clock);
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
}
