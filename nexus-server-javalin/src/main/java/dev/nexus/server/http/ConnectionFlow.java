package dev.nexus.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Principal;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.vault.AuthorizationRequest;
import dev.nexus.core.vault.OAuthProvider;
import dev.nexus.core.vault.Pkce;
import dev.nexus.core.vault.ProviderId;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The OAuth connect flow's {@code state}: the organization, user, provider, PKCE verifier and
 * expiry, sealed with AES-GCM (JDK) so it can neither be read nor forged, valid for ten minutes and
 * accepted once by this process. The provider binds the code to the verifier, and codes are single
 * use at the provider as well.
 */
final class ConnectionFlow {

  static final Duration STATE_TTL = Duration.ofMinutes(10);
  private static final int NONCE_BYTES = 12;
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder URL_DECODER = Base64.getUrlDecoder();

  private final SecretKey key;
  private final Clock clock;
  private final ObjectMapper mapper = new ObjectMapper();
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Instant> used = new ConcurrentHashMap<>();

  ConnectionFlow(SecretKey key, Clock clock) {
    this.key = key;
    this.clock = clock;
  }

  /** A flow with a fresh random key (states do not survive a restart). */
  static ConnectionFlow withRandomKey(Clock clock) {
    try {
      KeyGenerator generator = KeyGenerator.getInstance("AES");
      generator.init(256);
      return new ConnectionFlow(generator.generateKey(), clock);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime has AES", e);
    }
  }

  /** What the callback learns from a valid state. */
  record Pending(OrganizationId organization, UserId user, ProviderId provider, String verifier) {}

  /** The provider's consent URL for {@code principal}, with a sealed state and PKCE. */
  URI authorizationUrl(
      Principal principal,
      ProviderId provider,
      OAuthProvider oauth,
      URI redirectUri,
      String loginHint) {
    String verifier = Pkce.newVerifier();
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("o", principal.organization().value());
    payload.put("u", principal.user().value());
    payload.put("p", provider.value());
    payload.put("v", verifier);
    payload.put("e", clock.instant().plus(STATE_TTL).getEpochSecond());
    String state = seal(payload);
    return oauth.authorizationUrl(
        new AuthorizationRequest(
            state, Pkce.challenge(verifier), redirectUri, oauth.scopes(), loginHint));
  }

  /**
   * Opens a state returned to the callback.
   *
   * @throws InvalidInputException when it was tampered with, is for another provider, has expired
   *     or was used before
   */
  Pending open(String state, ProviderId provider) {
    JsonNode payload = unseal(state);
    Instant expiry = Instant.ofEpochSecond(payload.path("e").asLong(0));
    Instant now = clock.instant();
    if (!now.isBefore(expiry)) {
      throw new InvalidInputException("the connection attempt expired; start it again");
    }
    if (!provider.value().equals(payload.path("p").asText())) {
      throw new InvalidInputException("the connection state belongs to another provider");
    }
    used.entrySet().removeIf(e -> e.getValue().isBefore(now));
    if (used.putIfAbsent(state, expiry) != null) {
      throw new InvalidInputException("the connection state was already used; start again");
    }
    return new Pending(
        OrganizationId.of(payload.path("o").asText()),
        UserId.of(payload.path("u").asText()),
        provider,
        payload.path("v").asText());
  }

  private String seal(Map<String, Object> payload) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      random.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      byte[] sealed = cipher.doFinal(mapper.writeValueAsBytes(payload));
      byte[] out = new byte[nonce.length + sealed.length];
      System.arraycopy(nonce, 0, out, 0, nonce.length);
      System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
      return URL.encodeToString(out);
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("the connection state could not be sealed", e);
    }
  }

  private JsonNode unseal(String state) {
    if (state == null || state.length() > 2048) {
      throw new InvalidInputException("the connection state is missing or malformed");
    }
    try {
      byte[] raw = URL_DECODER.decode(state);
      if (raw.length <= NONCE_BYTES + 16) {
        throw new InvalidInputException("the connection state is missing or malformed");
      }
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, raw, 0, NONCE_BYTES));
      byte[] plain = cipher.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES);
      return mapper.readTree(new String(plain, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | GeneralSecurityException | java.io.IOException e) {
      throw new InvalidInputException("the connection state is not valid");
    }
  }

  /** The providers a flow may name: those a toolkit offers. */
  static ProviderId provider(String name, Set<ProviderId> known) {
    ProviderId provider;
    try {
      provider = ProviderId.of(name);
    } catch (InvalidInputException e) {
      throw ApiProblem.notFound("there is no provider named " + name);
    }
    if (!known.contains(provider)) {
      throw ApiProblem.notFound("there is no provider named " + name);
    }
    return provider;
  }
}
