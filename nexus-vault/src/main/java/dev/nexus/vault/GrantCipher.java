package dev.nexus.vault;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.vault.GrantKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * Encrypts grant tokens with a Tink AEAD keyset of AES-256-GCM keys before they reach the database.
 * The associated data names the organization, user, provider and column, so a ciphertext decrypts
 * only in the row and column it was written for.
 *
 * <p>Rotation: a keyset may hold several keys; the primary encrypts, every key decrypts. {@link
 * #rotate(String)} adds a new primary, and {@link JdbiTokenVault#reencryptAll()} moves old rows to
 * it.
 */
public final class GrantCipher {

  /** Five bytes of Tink's output prefix: a version byte and the key id. */
  private static final int PREFIX_LENGTH = 5;

  static {
    try {
      AeadConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Aead aead;
  private final long primaryKeyId;

  private GrantCipher(KeysetHandle keyset) {
    try {
      if (!(keyset.getPrimary().getKey().getParameters() instanceof AesGcmParameters parameters)
          || parameters.getKeySizeBytes() != 32) {
        throw new ConfigurationException("the vault keyset's primary key must be AES-256-GCM");
      }
      this.aead = keyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
      this.primaryKeyId = Integer.toUnsignedLong(keyset.getPrimary().getId());
    } catch (GeneralSecurityException e) {
      throw new ConfigurationException("the vault keyset cannot make an AEAD", e);
    }
  }

  /**
   * A cipher from a keyset in Tink's JSON format (as written by {@link #generateKeyset()}).
   *
   * @throws ConfigurationException when the text is not such a keyset
   */
  public static GrantCipher fromKeysetJson(String keysetJson) {
    Objects.requireNonNull(keysetJson, "keysetJson");
    try {
      return new GrantCipher(
          TinkJsonProtoKeysetFormat.parseKeyset(keysetJson, InsecureSecretKeyAccess.get()));
    } catch (GeneralSecurityException | RuntimeException e) {
      if (e instanceof ConfigurationException configuration) {
        throw configuration;
      }
      throw new ConfigurationException("the vault keyset is not a valid Tink JSON keyset", e);
    }
  }

  /** A new keyset holding one AES-256-GCM key, in Tink's JSON format. Treat it as a secret. */
  public static String generateKeyset() {
    try {
      KeysetHandle handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
      return TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Tink could not generate an AES-256-GCM key", e);
    }
  }

  /**
   * The keyset with a new AES-256-GCM key added as primary; the old keys stay so that existing rows
   * still decrypt.
   */
  public static String rotate(String keysetJson) {
    try {
      KeysetHandle current =
          TinkJsonProtoKeysetFormat.parseKeyset(keysetJson, InsecureSecretKeyAccess.get());
      KeysetHandle rotated =
          KeysetHandle.newBuilder(current)
              .addEntry(
                  KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                      .withRandomId()
                      .makePrimary())
              .build();
      return TinkJsonProtoKeysetFormat.serializeKeyset(rotated, InsecureSecretKeyAccess.get());
    } catch (GeneralSecurityException e) {
      throw new ConfigurationException("the vault keyset could not be rotated", e);
    }
  }

  /** The id of the key that encrypts new values. */
  public long primaryKeyId() {
    return primaryKeyId;
  }

  /** The id of the key that made {@code ciphertext}. */
  static long keyIdOf(byte[] ciphertext) {
    if (ciphertext.length < PREFIX_LENGTH) {
      return -1;
    }
    return Integer.toUnsignedLong(ByteBuffer.wrap(ciphertext, 1, 4).getInt());
  }

  byte[] encrypt(GrantKey key, String column, String plaintext) {
    try {
      return aead.encrypt(plaintext.getBytes(StandardCharsets.UTF_8), associatedData(key, column));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /**
   * Decrypts a value of {@code column} of the grant {@code key}.
   *
   * @throws ConfigurationException when no key of the keyset opens it, or it belongs to another row
   *     or column
   */
  String decrypt(GrantKey key, String column, byte[] ciphertext) {
    try {
      return new String(
          aead.decrypt(ciphertext, associatedData(key, column)), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new ConfigurationException(
          "the stored "
              + column
              + " of grant "
              + key
              + " does not decrypt with the configured keyset (wrong keyset, or the value was"
              + " moved from another row)");
    }
  }

  /**
   * A tag over {@code message} with the primary key: AES-GCM of nothing, {@code message} as the
   * associated data. Only this keyset can make one that {@link #verifies} accepts.
   */
  byte[] tag(byte[] message) {
    try {
      return aead.encrypt(new byte[0], message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /**
   * Whether {@code tag} was made by {@link #tag} over {@code message} with a key of this keyset.
   */
  boolean verifies(byte[] tag, byte[] message) {
    try {
      return aead.decrypt(tag, message).length == 0;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Length-prefixed fields, so no choice of ids can make two rows share associated data. */
  static byte[] associatedData(GrantKey key, String column) {
    StringBuilder text = new StringBuilder("nexus-grant-v1;");
    for (String field :
        new String[] {
          key.organization().value(), key.user().value(), key.provider().value(), column
        }) {
      text.append(field.length()).append(':').append(field).append(';');
    }
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "GrantCipher[primaryKeyId=" + primaryKeyId + ", keys=redacted]";
  }
}
