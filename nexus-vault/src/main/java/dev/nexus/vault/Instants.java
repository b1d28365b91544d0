package dev.nexus.vault;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Instants in two columns: a {@code timestamptz} (microseconds, for queries and people) and an
 * integer {@code <column>_nanos} with the nano-of-second, so a Java instant reads back exactly.
 */
final class Instants {

  private Instants() {}

  static OffsetDateTime timestamp(Instant instant) {
    return instant == null
        ? null
        : OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  static Integer nanos(Instant instant) {
    return instant == null ? null : instant.getNano();
  }

  static Instant read(ResultSet row, String column) throws SQLException {
    OffsetDateTime timestamp = row.getObject(column, OffsetDateTime.class);
    if (timestamp == null) {
      return null;
    }
    return Instant.ofEpochSecond(timestamp.toEpochSecond(), row.getInt(column + "_nanos"));
  }
}
