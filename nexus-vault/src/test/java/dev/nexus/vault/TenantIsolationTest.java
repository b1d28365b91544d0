package dev.nexus.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.approval.Approval;
import dev.nexus.core.audit.AuditAction;
import dev.nexus.core.audit.AuditEvent;
import dev.nexus.core.conversation.ChatMessage;
import dev.nexus.core.conversation.Conversation;
import dev.nexus.core.identity.Organization;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.tool.RiskClass;
import dev.nexus.core.tool.ToolCall;
import dev.nexus.core.tool.ToolCallId;
import dev.nexus.core.vault.GrantKey;
import dev.nexus.core.vault.IssuedTokens;
import dev.nexus.core.vault.OAuthGrant;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.core.vault.Secret;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The second wall: row-level security. Statements here deliberately omit any organization filter;
 * the policies alone must keep them to the organization named by the transaction's setting.
 */
class TenantIsolationTest {

  /** Each tenant table with the statements the application role is granted on it. */
  private static final Map<String, List<String>> WRITES = new LinkedHashMap<>();

  static {
    WRITES.put("organization", List.of("UPDATE organization SET name = name || '!'"));
    WRITES.put(
        "membership", List.of("UPDATE membership SET role = 'ADMIN'", "DELETE FROM membership"));
    WRITES.put(
        "oauth_grant",
        List.of("UPDATE oauth_grant SET status = 'NEEDS_RECONNECT'", "DELETE FROM oauth_grant"));
    WRITES.put("conversation", List.of("UPDATE conversation SET title = 'changed'"));
    WRITES.put("conversation_message", List.of());
    WRITES.put(
        "approval", List.of("UPDATE approval SET status = 'APPROVED' WHERE status = 'PENDING'"));
    WRITES.put("audit_event", List.of());
    WRITES.put("audit_head", List.of("UPDATE audit_head SET sequence = sequence + 1"));
  }

  private static OrganizationId owner;
  private static Jdbi jdbi;

  @BeforeAll
  static void storeOneRowOfEveryKind() {
    jdbi = SharedDatabase.get().jdbi();
    owner = SharedDatabase.freshOrganization();
    Instant now = Instant.now();
    UserId alice = UserId.of("alice");
    new JdbiOrganizationDirectory(jdbi).createIfAbsent(new Organization(owner, "Acme", false, now));
    new JdbiOrganizationDirectory(jdbi).putMember(owner, alice, Role.MEMBER);
    JdbiTokenVault.builder(jdbi, SharedDatabase.cipher())
        .build()
        .store(
            OAuthGrant.issued(
                new GrantKey(owner, alice, ProviderId.GMAIL),
                new IssuedTokens(
                    Secret.of("at-isolation"),
                    Secret.of("rt-isolation"),
                    now.plus(Duration.ofHours(1)),
                    Set.of("mail.read"),
                    null),
                now));
    Conversation conversation =
        new Conversation(
            dev.nexus.core.conversation.ConversationId.random(),
            owner,
            alice,
            "Hello",
            now,
            List.of(new ChatMessage.UserMessage("hi")));
    new JdbiConversationStore(jdbi).create(conversation);
    new JdbiApprovalStore(jdbi)
        .create(
            Approval.pending(
                owner,
                conversation.id(),
                alice,
                Role.MEMBER,
                new ToolCall(ToolCallId.random(), "gmail_send", Map.of("to", "bob@acme.test")),
                RiskClass.WRITE,
                now,
                now.plus(Duration.ofMinutes(15))));
    new JdbiAuditLog(jdbi)
        .append(new AuditEvent(owner, now, alice, AuditAction.TOOL_CALL_ALLOWED, "x", Map.of()));
  }

  @Test
  void withoutTheSetting_everyTenantTableLooksEmptyAndNothingChanges() {
    // given
    Map<String, String> before = ownersRows();

    // when
    Map<String, Integer> visible = new LinkedHashMap<>();
    Map<String, Integer> changed = new LinkedHashMap<>();
    jdbi.useTransaction(handle -> look(handle, visible, changed));

    // then
    assertThat(visible).allSatisfy((table, rows) -> assertThat(rows).as(table).isZero());
    assertThat(changed).allSatisfy((statement, rows) -> assertThat(rows).as(statement).isZero());
    assertThat(ownersRows()).isEqualTo(before);
  }

  @Test
  void withAnotherOrganizationsSetting_everyTenantTableLooksEmptyAndNothingChanges() {
    // given
    Map<String, String> before = ownersRows();
    OrganizationId intruder = SharedDatabase.freshOrganization();

    // when
    Map<String, Integer> visible = new LinkedHashMap<>();
    Map<String, Integer> changed = new LinkedHashMap<>();
    jdbi.useTransaction(
        handle -> {
          Tenancy.scope(handle, intruder);
          look(handle, visible, changed);
        });

    // then
    assertThat(visible).allSatisfy((table, rows) -> assertThat(rows).as(table).isZero());
    assertThat(changed).allSatisfy((statement, rows) -> assertThat(rows).as(statement).isZero());
    assertThat(ownersRows()).isEqualTo(before);
  }

  @Test
  void withTheOwnersSetting_theRowsAreVisible() {
    // given the same statements as above, scoped to the owner

    // when
    Map<String, Integer> visible = new LinkedHashMap<>();
    jdbi.useTransaction(
        handle -> {
          Tenancy.scope(handle, owner);
          for (String table : WRITES.keySet()) {
            visible.put(table, count(handle, table));
          }
        });

    // then: the policies are not simply hiding everything
    assertThat(visible).allSatisfy((table, rows) -> assertThat(rows).as(table).isPositive());
  }

  @Test
  void insertingARowForAnotherOrganization_isRefusedByThePolicy() {
    // given
    OrganizationId intruder = SharedDatabase.freshOrganization();

    // when / then
    assertThatThrownBy(
            () ->
                jdbi.useTransaction(
                    handle -> {
                      Tenancy.scope(handle, intruder);
                      handle.execute(
                          "INSERT INTO membership (organization_id, user_id, role)"
                              + " VALUES (?, 'mallory', 'ADMIN')",
                          owner.value());
                    }))
        .hasMessageContaining("42501");
  }

  @Test
  void oneRoundTripGrantRead_leavesNoSettingBehindOnThePooledConnection() {
    // given: a pool of exactly one connection, so the next statement reuses it
    DatabaseSettings single =
        SharedDatabase.get()
            .settings()
            .withPool(
                new PoolSettings(
                    1,
                    1,
                    Duration.ofSeconds(5),
                    Duration.ofMinutes(10),
                    Duration.ofMinutes(30),
                    Duration.ofSeconds(30)));
    try (VaultDatabase database = VaultDatabase.connect(single)) {
      JdbiTokenVault vault = JdbiTokenVault.builder(database, SharedDatabase.cipher()).build();
      GrantKey key = new GrantKey(owner, UserId.of("alice"), ProviderId.GMAIL);

      // when
      boolean found = vault.find(key).isPresent();
      String setting =
          database
              .jdbi()
              .withHandle(
                  handle ->
                      handle
                          .createQuery("SELECT current_setting('nexus.organization', true)")
                          .mapTo(String.class)
                          .one());
      int visible = database.jdbi().withHandle(handle -> count(handle, "oauth_grant"));

      // then
      assertThat(found).isTrue();
      assertThat(setting).isNullOrEmpty();
      assertThat(visible).isZero();
    }
  }

  private static void look(
      Handle handle, Map<String, Integer> visible, Map<String, Integer> changed) {
    for (Map.Entry<String, List<String>> table : WRITES.entrySet()) {
      visible.put(table.getKey(), count(handle, table.getKey()));
      for (String statement : table.getValue()) {
        changed.put(statement, handle.execute(statement));
      }
    }
  }

  private static int count(Handle handle, String table) {
    return handle.createQuery("SELECT count(*) FROM " + table).mapTo(Integer.class).one();
  }

  /** Every row of the owner in every tenant table, as text, read by the superuser. */
  private static Map<String, String> ownersRows() {
    Map<String, String> rows = new LinkedHashMap<>();
    try (Connection connection = SharedDatabase.get().superuserDataSource().getConnection();
        Statement statement = connection.createStatement()) {
      for (String table : WRITES.keySet()) {
        String column = table.equals("organization") ? "id" : "organization_id";
        StringBuilder text = new StringBuilder();
        try (ResultSet result =
            statement.executeQuery(
                "SELECT t::text FROM nexus."
                    + table
                    + " t WHERE "
                    + column
                    + " = '"
                    + owner.value()
                    + "' ORDER BY 1")) {
          while (result.next()) {
            text.append(result.getString(1)).append('\n');
          }
        }
        assertThat(text).as(table).isNotEmpty();
        rows.put(table, text.toString());
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return rows;
  }
}
