package dev.nexus.vault;

import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.vault.ConnectionAttempt;
import dev.nexus.core.vault.ConnectionAttempts;
import dev.nexus.core.vault.GrantKey;
import dev.nexus.core.vault.ProviderId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Connect flows under way, in PostgreSQL, so every node sees them. A state is {@code
 * <reference>.<tag>}: 256 random bits, and a tag over them and the provider made with the vault's
 * keyset, which every node shares; a state that was not made here, or was altered, is refused
 * before the database is asked. A row is keyed by the SHA-256 of the reference (a database reader
 * cannot rebuild a callback from it); the PKCE verifier is encrypted with the keyset, bound to the
 * organization, user and provider of the row, so a row edited to name another user no longer opens.
 * Taking is one {@code DELETE ... RETURNING}: of racing callbacks, on any nodes, exactly one gets
 * the row.
 */
public final class JdbiConnectionAttempts implements ConnectionAttempts {

  private static final String VERIFIER = "connection_attempt.verifier";
  private static final int REFERENCE_BYTES = 32;
  private static final int REFERENCE_LENGTH = 43;
  private static final int MAX_TAG_LENGTH = 128;
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder URL_DECODER = Base64.getUrlDecoder();

  private final SecureRandom random = new SecureRandom();

  private final Jdbi jdbi;
  private final GrantCipher cipher;

  public JdbiConnectionAttempts(Jdbi jdbi, GrantCipher cipher) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    this.cipher = Objects.requireNonNull(cipher, "cipher");
  }

  @Override
  public String begin(ConnectionAttempt attempt, Instant now) {
    Objects.requireNonNull(attempt, "attempt");
    Objects.requireNonNull(now, "now");
    byte[] bytes = new byte[REFERENCE_BYTES];
    random.nextBytes(bytes);
    String reference = URL.encodeToString(bytes);
    GrantKey key = attempt.key();
    byte[] verifier = cipher.encrypt(key, VERIFIER, attempt.verifier());
    Failures.translate(
        "recording a connection attempt",
        () ->
            jdbi.withHandle(
                handle ->
                    handle
                        .createUpdate(
                            "WITH expired AS (DELETE FROM connection_attempt"
                                + " WHERE expires_at < :now)"
                                + " INSERT INTO connection_attempt (state_hash, organization_id,"
                                + " user_id, provider, verifier, expires_at, expires_at_nanos)"
                                + " VALUES (:hash, :organization, :user, :provider, :verifier,"
                                + " :expiresAt, :expiresAtNanos)")
                        .bind("now", Instants.timestamp(now))
                        .bind("hash", hash(reference))
                        .bind("organization", key.organization().value())
                        .bind("user", key.user().value())
                        .bind("provider", key.provider().value())
                        .bind("verifier", verifier)
                        .bind("expiresAt", Instants.timestamp(attempt.expiresAt()))
                        .bind("expiresAtNanos", Instants.nanos(attempt.expiresAt()))
                        .execute()));
    return reference + "." + URL.encodeToString(cipher.tag(signed(reference, key.provider())));
  }

  @Override
  public Optional<ConnectionAttempt> take(String state, ProviderId provider) {
    Objects.requireNonNull(provider, "provider");
    String reference = verifiedReference(state, provider);
    if (reference == null) {
      return Optional.empty();
    }
    return Failures.translate(
        "taking a connection attempt",
        () ->
            jdbi.withHandle(
                handle ->
                    handle
                        .createQuery(
                            "DELETE FROM connection_attempt"
                                + " WHERE state_hash = :hash AND provider = :provider"
                                + " RETURNING organization_id, user_id, verifier, expires_at,"
                                + " expires_at_nanos")
                        .bind("hash", hash(reference))
                        .bind("provider", provider.value())
                        .map(
                            (row, context) -> {
                              GrantKey key =
                                  new GrantKey(
                                      OrganizationId.of(row.getString("organization_id")),
                                      UserId.of(row.getString("user_id")),
                                      provider);
                              return new ConnectionAttempt(
                                  key,
                                  cipher.decrypt(key, VERIFIER, row.getBytes("verifier")),
                                  Instants.read(row, "expires_at"));
                            })
                        .findOne()));
  }

  /** The random part of a state this keyset made for {@code provider}, or null. */
  private String verifiedReference(String state, ProviderId provider) {
    if (state == null
        || state.length() > REFERENCE_LENGTH + 1 + MAX_TAG_LENGTH
        || state.length() <= REFERENCE_LENGTH + 1
        || state.charAt(REFERENCE_LENGTH) != '.') {
      return null;
    }
    String reference = state.substring(0, REFERENCE_LENGTH);
    String encodedTag = state.substring(REFERENCE_LENGTH + 1);
    byte[] tag;
    try {
      if (URL_DECODER.decode(reference).length != REFERENCE_BYTES) {
        return null;
      }
      tag = URL_DECODER.decode(encodedTag);
    } catch (IllegalArgumentException e) {
      return null;
    }
    // Base64 ignores unused low bits of the last character: only the canonical form is accepted.
    if (!URL.encodeToString(tag).equals(encodedTag)
        || !cipher.verifies(tag, signed(reference, provider))) {
      return null;
    }
    return reference;
  }

  /** What a state's tag covers: its reference and the provider it is for. */
  private static byte[] signed(String reference, ProviderId provider) {
    return ("nexus-connect-state-v1;" + reference + ";" + provider.value())
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The row key of a reference. */
  static byte[] hash(String reference) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(reference.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
