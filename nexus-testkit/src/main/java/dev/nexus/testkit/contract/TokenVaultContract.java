package dev.nexus.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.nexus.core.error.ReconnectRequiredException;
import dev.nexus.core.error.RetriableException;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.vault.AccessToken;
import dev.nexus.core.vault.GrantKey;
import dev.nexus.core.vault.GrantStatus;
import dev.nexus.core.vault.InvalidGrantException;
import dev.nexus.core.vault.IssuedTokens;
import dev.nexus.core.vault.OAuthGrant;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.core.vault.Secret;
import dev.nexus.core.vault.TokenRefresher;
import dev.nexus.core.vault.TokenVault;
import dev.nexus.testkit.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TokenVault} must do: grants scoped by organization, user and provider, refresh
 * ahead of expiry with one refresh per grant however many callers race, rotation, and {@code
 * invalid_grant} turning into a reconnect. The vault refreshes through {@link FakeTokenRefresher}s
 * for {@code gmail} and {@code notion}; tokens here are made-up strings.
 */
public abstract class TokenVaultContract {

  /** The skew every vault under this contract is created with. */
  protected static final Duration SKEW = Duration.ofSeconds(60);

  private MutableClock clock;
  private FakeTokenRefresher gmail;
  private FakeTokenRefresher notion;
  private TokenVault vault;

  /**
   * A vault for one test (it may share storage with other tests) that reads time from {@code
   * clock}, refreshes tokens expiring within {@code refreshSkew}, through {@code refreshers}.
   */
  protected abstract TokenVault createVault(
      Clock clock, Duration refreshSkew, List<TokenRefresher> refreshers);

  /**
   * Hook for adapters whose storage needs the organization and user to exist first. It may be
   * called more than once for the same pair, so it must be idempotent.
   */
  protected void prepare(OrganizationId organization, UserId user) {}

  @BeforeEach
  void setUp() {
    clock = new MutableClock();
    gmail = new FakeTokenRefresher(ProviderId.GMAIL, clock);
    notion = new FakeTokenRefresher(ProviderId.NOTION, clock);
    vault = createVault(clock, SKEW, List.of(gmail, notion));
  }

  @Test
  void store_thenFind_returnsTheGrant() {
    OAuthGrant grant = grant(key(ProviderId.GMAIL), "at-1", "rt-1", Duration.ofHours(1));

    vault.store(grant);

    OAuthGrant found = vault.find(grant.key()).orElseThrow();
    assertSameGrant(found, grant);
  }

  @Test
  void store_sameKey_replacesTheGrant() {
    GrantKey key = key(ProviderId.GMAIL);
    vault.store(grant(key, "at-old", "rt-old", Duration.ofHours(1)));

    vault.store(grant(key, "at-new", "rt-new", Duration.ofHours(2)));

    OAuthGrant found = vault.find(key).orElseThrow();
    assertThat(found.accessToken().reveal()).isEqualTo("at-new");
    assertThat(found.refreshToken().reveal()).isEqualTo("rt-new");
  }

  @Test
  void grants_areScopedByOrganizationUserAndProvider() {
    GrantKey alice = key(ProviderId.GMAIL);
    vault.store(grant(alice, "at-alice", "rt-alice", Duration.ofHours(1)));
    OrganizationId otherOrganization = OrganizationId.of(Unique.id("other"));
    UserId bob = UserId.of(Unique.id("bob"));
    prepare(otherOrganization, alice.user());
    prepare(alice.organization(), bob);
    List<GrantKey> neighbours =
        List.of(
            new GrantKey(otherOrganization, alice.user(), ProviderId.GMAIL),
            new GrantKey(alice.organization(), bob, ProviderId.GMAIL),
            new GrantKey(alice.organization(), alice.user(), ProviderId.NOTION));

    for (GrantKey neighbour : neighbours) {
      assertThat(vault.find(neighbour)).as(neighbour.toString()).isEmpty();
      assertThatThrownBy(() -> vault.accessToken(neighbour))
          .as(neighbour.toString())
          .isInstanceOf(ReconnectRequiredException.class);
    }
    assertThat(vault.list(otherOrganization, alice.user())).isEmpty();
    assertThat(vault.list(alice.organization(), bob)).isEmpty();
  }

  @Test
  void list_returnsTheUsersGrantsOrderedByProvider() {
    GrantKey gmailKey = key(ProviderId.GMAIL);
    GrantKey notionKey = new GrantKey(gmailKey.organization(), gmailKey.user(), ProviderId.NOTION);
    vault.store(grant(notionKey, "at-n", null, null));
    vault.store(grant(gmailKey, "at-g", "rt-g", Duration.ofHours(1)));

    List<OAuthGrant> grants = vault.list(gmailKey.organization(), gmailKey.user());

    assertThat(grants).extracting(OAuthGrant::key).containsExactly(gmailKey, notionKey);
  }

  @Test
  void delete_forgetsTheGrantOnce() {
    GrantKey key = key(ProviderId.GMAIL);
    vault.store(grant(key, "at-1", "rt-1", Duration.ofHours(1)));

    boolean deleted = vault.delete(key);
    boolean deletedAgain = vault.delete(key);

    assertThat(deleted).isTrue();
    assertThat(deletedAgain).isFalse();
    assertThat(vault.find(key)).isEmpty();
    assertThatThrownBy(() -> vault.accessToken(key)).isInstanceOf(ReconnectRequiredException.class);
  }

  @Test
  void accessToken_validToken_isReturnedWithoutRefresh() {
    GrantKey key = key(ProviderId.GMAIL);
    vault.store(grant(key, "at-1", "rt-1", Duration.ofMinutes(10)));

    AccessToken token = vault.accessToken(key);

    assertThat(token.reveal()).isEqualTo("at-1");
    assertThat(gmail.calls()).isZero();
  }

  @Test
  void accessToken_tokenWithoutExpiry_isNeverRefreshed() {
    GrantKey key = key(ProviderId.NOTION);
    vault.store(grant(key, "at-notion", null, null));
    clock.advance(Duration.ofDays(400));

    AccessToken token = vault.accessToken(key);

    assertThat(token.reveal()).isEqualTo("at-notion");
    assertThat(token.expiry()).isEmpty();
    assertThat(notion.calls()).isZero();
  }

  @Test
  void accessToken_expiringWithinSkew_isRefreshedAndStored() {
    GrantKey key = key(ProviderId.GMAIL);
    vault.store(grant(key, "at-1", "rt-1", Duration.ofMinutes(10)));
    clock.advance(Duration.ofMinutes(10).minus(SKEW).plusSeconds(1));

    AccessToken token = vault.accessToken(key);

    assertThat(token.reveal()).isEqualTo("access-1");
    assertThat(gmail.receivedRefreshTokens()).containsExactly("rt-1");
    OAuthGrant stored = vault.find(key).orElseThrow();
    assertThat(stored.accessToken().reveal()).isEqualTo("access-1");
    assertThat(stored.refreshToken().reveal()).as("kept when not rotated").isEqualTo("rt-1");
    assertThat(stored.status()).isEqualTo(GrantStatus.ACTIVE);
  }

  @Test
  void accessToken_expiredGrantWith100ConcurrentCallers_refreshesExactlyOnce() {
    GrantKey key = key(ProviderId.GMAIL);
    vault.store(grant(key, "at-1", "rt-1", Duration.ofMinutes(5)));
    clock.advance(Duration.ofMinutes(30));
    int callers = 100;
    CountDownLatch arrived = new CountDownLatch(callers);
    gmail.holdUntil(arrived);

    List<String> tokens =
        Concurrently.run(
            callers,
            i -> {
              arrived.countDown();
              return vault.accessToken(key).reveal();
            });

    assertThat(gmail.calls()).isEqualTo(1);
    assertThat(tokens).containsOnly("access-1");
  }

  @Test
  void accessToken_rotatedRefreshToken_isStoredWithTheNewAccessToken() {
    GrantKey key = key(ProviderId.GMAIL);
    vault.store(grant(key, "at-1", "rt-1", Duration.ofMinutes(5)));
    gmail.answer(FakeTokenRefresher.Mode.ROTATE);
    clock.advance(Duration.ofMinutes(30));

    vault.accessToken(key);
    OAuthGrant afterFirst = vault.find(key).orElseThrow();
    clock.advance(Duration.ofHours(2));
    AccessToken second = vault.accessToken(key);

    assertThat(afterFirst.accessToken().reveal()).isEqualTo("access-1");
    assertThat(afterFirst.refreshToken().reveal()).isEqualTo("refresh-1");
    assertThat(gmail.receivedRefreshTokens()).containsExactly("rt-1", "refresh-1");
    assertThat(second.reveal()).isEqualTo("access-2");
    assertThat(vault.find(key).orElseThrow().refreshToken().reveal()).isEqualTo("refresh-2");
  }

  @Test
  void accessToken_invalidGrant_marksTheGrantForReconnection() {
    GrantKey key = key(ProviderId.GMAIL);
    vault.store(grant(key, "at-1", "rt-1", Duration.ofMinutes(5)));
    gmail.answer(FakeTokenRefresher.Mode.INVALID_GRANT);
    clock.advance(Duration.ofMinutes(30));

    assertThatThrownBy(() -> vault.accessToken(key)).isInstanceOf(InvalidGrantException.class);

    assertThat(vault.find(key).orElseThrow().status()).isEqualTo(GrantStatus.NEEDS_RECONNECT);
    assertThatThrownBy(() -> vault.accessToken(key)).isInstanceOf(ReconnectRequiredException.class);
    assertThat(gmail.calls())
        .as("a grant needing reconnection is not refreshed again")
        .isEqualTo(1);
  }

  @Test
  void accessToken_grantNeedingReconnect_isRefused() {
    GrantKey key = key(ProviderId.GMAIL);
    vault.store(grant(key, "at-1", "rt-1", Duration.ofHours(1)).needingReconnect(clock.instant()));

    assertThatThrownBy(() -> vault.accessToken(key)).isInstanceOf(ReconnectRequiredException.class);
    assertThat(gmail.calls()).isZero();
  }

  @Test
  void accessToken_providerUnavailable_isRetriableAndKeepsTheGrantActive() {
    GrantKey key = key(ProviderId.GMAIL);
    vault.store(grant(key, "at-1", "rt-1", Duration.ofMinutes(5)));
    gmail.answer(FakeTokenRefresher.Mode.UNAVAILABLE);
    clock.advance(Duration.ofMinutes(30));

    assertThatThrownBy(() -> vault.accessToken(key)).isInstanceOf(RetriableException.class);
    gmail.answer(FakeTokenRefresher.Mode.ISSUE);
    AccessToken later = vault.accessToken(key);

    assertThat(later.reveal()).isEqualTo("access-2");
    assertThat(vault.find(key).orElseThrow().status()).isEqualTo(GrantStatus.ACTIVE);
  }

  @Test
  void refreshRejected_storedToken_isRefreshedAndStored() {
    GrantKey key = key(ProviderId.GMAIL);
    vault.store(grant(key, "at-1", "rt-1", Duration.ofHours(1)));
    AccessToken rejected = vault.accessToken(key);

    AccessToken renewed = vault.refreshRejected(key, rejected);

    assertThat(renewed.reveal()).isEqualTo("access-1");
    assertThat(vault.find(key).orElseThrow().accessToken().reveal()).isEqualTo("access-1");
    assertThat(gmail.calls()).isEqualTo(1);
  }

  @Test
  void refreshRejected_tokenAlreadyReplaced_returnsTheNewerTokenWithoutRefreshing() {
    GrantKey key = key(ProviderId.GMAIL);
    vault.store(grant(key, "at-1", "rt-1", Duration.ofHours(1)));
    AccessToken rejected = vault.accessToken(key);
    vault.refreshRejected(key, rejected);

    AccessToken again = vault.refreshRejected(key, rejected);

    assertThat(again.reveal()).isEqualTo("access-1");
    assertThat(gmail.calls()).isEqualTo(1);
  }

  @Test
  void refreshRejected_manyCallersRejectedTogether_refreshOnce() {
    GrantKey key = key(ProviderId.GMAIL);
    vault.store(grant(key, "at-1", "rt-1", Duration.ofHours(1)));
    AccessToken rejected = vault.accessToken(key);
    int callers = 20;
    CountDownLatch arrived = new CountDownLatch(callers);
    gmail.holdUntil(arrived);

    List<String> tokens =
        Concurrently.run(
            callers,
            i -> {
              arrived.countDown();
              return vault.refreshRejected(key, rejected).reveal();
            });

    assertThat(gmail.calls()).isEqualTo(1);
    assertThat(tokens).containsOnly("access-1");
  }

  @Test
  void refreshRejected_invalidGrant_marksTheGrantForReconnection() {
    GrantKey key = key(ProviderId.GMAIL);
    vault.store(grant(key, "at-1", "rt-1", Duration.ofHours(1)));
    AccessToken rejected = vault.accessToken(key);
    gmail.answer(FakeTokenRefresher.Mode.INVALID_GRANT);

    assertThatThrownBy(() -> vault.refreshRejected(key, rejected))
        .isInstanceOf(ReconnectRequiredException.class);

    assertThat(vault.find(key).orElseThrow().status()).isEqualTo(GrantStatus.NEEDS_RECONNECT);
  }

  @Test
  void refreshRejected_noGrant_requiresReconnection() {
    GrantKey key = key(ProviderId.GMAIL);
    AccessToken made = new AccessToken(Secret.of("at-unknown"), Set.of(), null);

    assertThatThrownBy(() -> vault.refreshRejected(key, made))
        .isInstanceOf(ReconnectRequiredException.class);
    assertThat(gmail.calls()).isZero();
  }

  @Test
  void grantsAndErrors_neverPrintTheirTokens() {
    GrantKey key = key(ProviderId.GMAIL);
    vault.store(grant(key, "at-secret-value", "rt-secret-value", Duration.ofMinutes(5)));
    gmail.answer(FakeTokenRefresher.Mode.INVALID_GRANT);
    clock.advance(Duration.ofMinutes(30));

    Throwable refusal = catchThrowable(() -> vault.accessToken(key));
    String printed =
        vault.find(key).orElseThrow().toString() + vault.list(key.organization(), key.user());

    assertThat(printed).doesNotContain("at-secret-value", "rt-secret-value");
    assertThat(refusal).isNotNull();
    assertThat(String.valueOf(refusal.getMessage()))
        .doesNotContain("at-secret-value", "rt-secret-value");
  }

  /** A fresh key for the user of this test, prepared in storage. */
  private GrantKey key(ProviderId provider) {
    OrganizationId organization = OrganizationId.of(Unique.id("acme"));
    UserId user = UserId.of(Unique.id("alice"));
    prepare(organization, user);
    return new GrantKey(organization, user, provider);
  }

  /** A grant whose access token expires {@code lifetime} from now (never when null). */
  private OAuthGrant grant(GrantKey key, String access, String refresh, Duration lifetime) {
    Instant now = clock.instant();
    return OAuthGrant.issued(
        key,
        new IssuedTokens(
            Secret.of(access),
            refresh == null ? null : Secret.of(refresh),
            lifetime == null ? null : now.plus(lifetime),
            Set.of("scope-a", "scope-b"),
            "alice@acme.test"),
        now);
  }

  private static void assertSameGrant(OAuthGrant actual, OAuthGrant expected) {
    assertThat(actual.key()).isEqualTo(expected.key());
    assertThat(actual.accessToken().reveal()).isEqualTo(expected.accessToken().reveal());
    assertThat(actual.optionalRefreshToken().map(Secret::reveal))
        .isEqualTo(expected.optionalRefreshToken().map(Secret::reveal));
    assertThat(actual.expiresAt()).isEqualTo(expected.expiresAt());
    assertThat(actual.scopes()).isEqualTo(expected.scopes());
    assertThat(actual.accountLabel()).isEqualTo(expected.accountLabel());
    assertThat(actual.status()).isEqualTo(expected.status());
  }
}
