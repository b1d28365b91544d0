package dev.nexus.vault;

import dev.nexus.core.error.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Objects;

/**
 * Where the vault's keyset comes from. Production names it by configuration, either the keyset
 * itself in {@value #KEYSET_ENV} or a file in {@value #KEYSET_FILE_ENV}, and refuses to start
 * without one; the sandbox creates its own keyset in its data directory and keeps it there.
 */
public final class VaultKeys {

  /** The environment variable holding the keyset JSON itself. */
  public static final String KEYSET_ENV = "NEXUS_VAULT_KEYSET";

  /** The environment variable naming a file that holds the keyset JSON. */
  public static final String KEYSET_FILE_ENV = "NEXUS_VAULT_KEYSET_FILE";

  /** The keyset file the sandbox keeps in its data directory. */
  public static final String SANDBOX_KEYSET_FILE = "vault-keyset.json";

  private VaultKeys() {}

  /**
   * Whether {@code environment} names a production keyset: either variable holds something other
   * than blanks. A blank variable counts as unset, here and in {@link #fromEnvironment}.
   */
  public static boolean isConfigured(Map<String, String> environment) {
    Objects.requireNonNull(environment, "environment");
    return blankToNull(environment.get(KEYSET_ENV)) != null
        || blankToNull(environment.get(KEYSET_FILE_ENV)) != null;
  }

  /**
   * The production keyset from {@code environment} (usually {@code System.getenv()}). Messages name
   * the variable; they show the file's path but never the keyset itself.
   *
   * @throws ConfigurationException when neither variable is set, both are, or the keyset is
   *     unreadable or invalid
   */
  public static GrantCipher fromEnvironment(Map<String, String> environment) {
    Objects.requireNonNull(environment, "environment");
    String inline = blankToNull(environment.get(KEYSET_ENV));
    String file = blankToNull(environment.get(KEYSET_FILE_ENV));
    if (inline != null && file != null) {
      throw new ConfigurationException(
          "set only one of " + KEYSET_ENV + " and " + KEYSET_FILE_ENV + ", not both");
    }
    if (inline != null) {
      try {
        return GrantCipher.fromKeysetJson(inline);
      } catch (ConfigurationException e) {
        throw new ConfigurationException(
            KEYSET_ENV + " is refused (its value is secret and not shown): " + e.getMessage(), e);
      }
    }
    if (file != null) {
      String path = file.strip();
      try {
        return fromFile(Path.of(path));
      } catch (ConfigurationException | InvalidPathException e) {
        throw new ConfigurationException(
            KEYSET_FILE_ENV + "=" + path + " is refused: " + e.getMessage(), e);
      }
    }
    throw new ConfigurationException(
        "no vault keyset is configured: set "
            + KEYSET_FILE_ENV
            + " to a Tink JSON keyset file (or "
            + KEYSET_ENV
            + " to the keyset itself); Nexus will not store OAuth tokens without it");
  }

  /**
   * The keyset in {@code file}.
   *
   * @throws ConfigurationException when it cannot be read or is not a keyset
   */
  public static GrantCipher fromFile(Path file) {
    try {
      return GrantCipher.fromKeysetJson(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ConfigurationException("the vault keyset file " + file + " cannot be read", e);
    }
  }

  /**
   * The sandbox keyset: {@value #SANDBOX_KEYSET_FILE} in {@code dataDirectory}, created (readable
   * by its owner only) on first use and reused afterwards.
   */
  public static GrantCipher sandbox(Path dataDirectory) {
    Path file = dataDirectory.resolve(SANDBOX_KEYSET_FILE);
    try {
      Files.createDirectories(dataDirectory);
      if (!Files.exists(file)) {
        Path temporary = Files.createTempFile(dataDirectory, "vault-keyset", ".tmp");
        try {
          Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // Not a POSIX file system: the directory's own protection has to do.
        }
        Files.writeString(
            temporary,
            GrantCipher.generateKeyset(),
            StandardCharsets.UTF_8,
            StandardOpenOption.TRUNCATE_EXISTING);
        try {
          Files.move(temporary, file);
        } catch (IOException raced) {
          Files.deleteIfExists(temporary);
          if (!Files.exists(file)) {
            throw raced;
          }
        }
      }
      return fromFile(file);
    } catch (IOException e) {
      throw new ConfigurationException(
          "the sandbox vault keyset in " + dataDirectory + " cannot be created", e);
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
