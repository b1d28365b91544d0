package dev.nexus.vault;

import dev.nexus.core.error.AccessDeniedException;
import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.error.ConflictException;
import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.error.NexusException;
import dev.nexus.core.error.RetriableException;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.function.Supplier;
import org.jdbi.v3.core.JdbiException;

/** Maps Jdbi and JDBC failures to Nexus exceptions, in one place, keeping the cause. */
final class Failures {

  /** PostgreSQL's SQLState for a lock that could not be had within {@code lock_timeout}. */
  static final String LOCK_NOT_AVAILABLE = "55P03";

  static final String UNIQUE_VIOLATION = "23505";

  private Failures() {}

  /** Runs {@code work}, translating database failures; Nexus exceptions pass through. */
  static <T> T translate(String operation, Supplier<T> work) {
    try {
      return work.get();
    } catch (NexusException e) {
      throw e;
    } catch (JdbiException e) {
      throw translate(operation, e);
    }
  }

  static NexusException translate(String operation, JdbiException exception) {
    SQLException sql = sqlCause(exception);
    String state = sql == null ? null : sql.getSQLState();
    if (sql == null || sql instanceof SQLTransientException || state == null) {
      return new RetriableException(
          operation + " failed because the vault database is unavailable", null, exception);
    }
    if (LOCK_NOT_AVAILABLE.equals(state)) {
      return new RetriableException(
          operation + " is waiting for another caller; try again shortly", null, exception);
    }
    if (UNIQUE_VIOLATION.equals(state)) {
      return new ConflictException(operation + " failed: the id is taken", exception);
    }
    String sqlClass = state.length() >= 2 ? state.substring(0, 2) : state;
    return switch (sqlClass) {
      case "08", "40", "53", "57", "55", "HY" ->
          new RetriableException(
              operation
                  + " failed because the vault database is busy or unavailable (SQLState "
                  + state
                  + ")",
              null,
              exception);
      case "22", "23" ->
          new InvalidInputException(
              operation + " was refused by the vault database (SQLState " + state + ")", exception);
      case "42" ->
          "42501".equals(state)
              ? new AccessDeniedException(
                  operation + " touched a row outside the caller's organization", exception)
              : new ConfigurationException(
                  operation
                      + " failed because the vault schema does not match this version (SQLState "
                      + state
                      + ")",
                  exception);
      default ->
          new ConfigurationException(
              operation + " failed in the vault database (SQLState " + state + ")", exception);
    };
  }

  static SQLException sqlCause(Throwable exception) {
    for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }

  static boolean hasState(Throwable exception, String state) {
    SQLException sql = sqlCause(exception);
    return sql != null && state.equals(sql.getSQLState());
  }
}
