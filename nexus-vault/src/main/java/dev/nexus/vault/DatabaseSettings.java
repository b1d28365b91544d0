package dev.nexus.vault;

import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.vault.Secret;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the vault's PostgreSQL is and who connects to it.
 *
 * <p>Two roles: the {@code owner} owns the schema and runs the Flyway migrations (it may be null
 * when someone else migrates); the {@code app} role is what the pool connects as. The app role must
 * exist before the first migration, must not own the tables and must not be a superuser or have
 * {@code BYPASSRLS}: row-level security is only a wall for roles it applies to.
 *
 * @param jdbcUrl for example {@code jdbc:postgresql://db:5432/nexus}
 * @param ownerUser the schema owner, or null to skip migrations
 * @param ownerPassword the owner's password, or null
 * @param appUser the application's login role
 * @param appPassword the application's password, or null
 * @param pool the pool settings
 */
public record DatabaseSettings(
    String jdbcUrl,
    String ownerUser,
    Secret ownerPassword,
    String appUser,
    Secret appPassword,
    PoolSettings pool) {

  private static final Pattern ROLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  public DatabaseSettings {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new ConfigurationException("the vault database URL must start with jdbc:postgresql:");
    }
    if (ownerUser != null && !ROLE.matcher(ownerUser).matches()) {
      throw new ConfigurationException(
          "the vault owner role must be a plain lower-case PostgreSQL identifier");
    }
    if (appUser == null || !ROLE.matcher(appUser).matches()) {
      throw new ConfigurationException(
          "the vault application role must be a plain lower-case PostgreSQL identifier");
    }
    if (appUser.equals(ownerUser)) {
      throw new ConfigurationException(
          "the vault application role must differ from the owner role, or row-level security"
              + " does not apply to it");
    }
    Objects.requireNonNull(pool, "pool");
  }

  /** Whether this process runs the migrations. */
  public boolean migrates() {
    return ownerUser != null;
  }

  public DatabaseSettings withPool(PoolSettings pool) {
    return new DatabaseSettings(jdbcUrl, ownerUser, ownerPassword, appUser, appPassword, pool);
  }

  @Override
  public String toString() {
    int query = jdbcUrl.indexOf('?');
    return "DatabaseSettings[jdbcUrl="
        + (query < 0 ? jdbcUrl : jdbcUrl.substring(0, query) + "?...")
        + ", ownerUser="
        + ownerUser
        + ", appUser="
        + appUser
        + ", pool="
        + pool
        + ", passwords=redacted]";
  }
}
