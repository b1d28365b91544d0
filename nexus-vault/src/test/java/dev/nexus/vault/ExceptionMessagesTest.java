package dev.nexus.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** Jdbi appends bound arguments to its exception messages by default; the vault's Jdbi must not. */
class ExceptionMessagesTest {

  private static final String INSERT =
      "INSERT INTO relationship_tuple (object_type, object_id, relation, subject_type, subject_id)"
          + " VALUES ('document', :id, 'viewer', 'user', 'alice')";

  @Test
  void failedStatement_messageCarriesNoBoundValue() {
    // given: a value that must never reach a log
    String secret = "ya29.secret-" + UUID.randomUUID();
    Jdbi jdbi = SharedDatabase.get().jdbi();
    jdbi.useHandle(handle -> handle.createUpdate(INSERT).bind("id", secret).execute());

    // when: the same row again violates the primary key
    Throwable failure =
        catchThrowable(
            () ->
                jdbi.useHandle(handle -> handle.createUpdate(INSERT).bind("id", secret).execute()));

    // then: neither the message nor any cause's message quotes it, yet it says what failed
    assertThat(failure).isNotNull();
    assertThat(failure.getMessage()).contains("23505").contains("relationship_tuple_pkey");
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      assertThat(String.valueOf(cause.getMessage())).doesNotContain(secret);
      assertThat(cause.toString()).doesNotContain(secret);
    }
  }

  @Test
  void jdbisDefault_wouldHaveCarriedTheValue() {
    // given: a Jdbi on the same pool without the vault's configuration
    String secret = "ya29.secret-" + UUID.randomUUID();
    Jdbi plain = Jdbi.create(SharedDatabase.get().dataSource());
    plain.useHandle(handle -> handle.createUpdate(INSERT).bind("id", secret).execute());

    // when
    Throwable failure =
        catchThrowable(
            () ->
                plain.useHandle(
                    handle -> handle.createUpdate(INSERT).bind("id", secret).execute()));

    // then: this is what the configuration above prevents
    assertThat(failure.getMessage()).contains(secret);
  }
}
