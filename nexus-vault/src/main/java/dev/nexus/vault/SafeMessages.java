package dev.nexus.vault;

import java.sql.SQLException;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Renders Jdbi statement exceptions without bound values. Jdbi's default appends every argument
 * (tokens, ciphertexts, message text) to the message; this keeps the SQLState, the constraint or
 * table the server named, and the SQL text with its placeholders, which never holds a value.
 */
final class SafeMessages {

  private static final int SQL_LIMIT = 160;

  private SafeMessages() {}

  static String render(StatementException exception) {
    StringBuilder message = new StringBuilder("database statement failed");
    Throwable cause = exception.getCause();
    if (cause instanceof SQLException sql && sql.getSQLState() != null) {
      message.append(" with SQLState ").append(sql.getSQLState());
    }
    if (cause instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
      ServerErrorMessage server = psql.getServerErrorMessage();
      if (server.getConstraint() != null) {
        message.append(" on constraint ").append(server.getConstraint());
      } else if (server.getTable() != null) {
        message.append(" on table ").append(server.getTable());
      }
    }
    StatementContext context = exception.getStatementContext();
    String sql = context == null ? null : context.getRawSql();
    if (sql != null) {
      String compact = sql.replaceAll("\\s+", " ").trim();
      if (compact.length() > SQL_LIMIT) {
        compact = compact.substring(0, SQL_LIMIT) + "...";
      }
      message.append(" [statement: ").append(compact).append(']');
    }
    return message.toString();
  }
}
