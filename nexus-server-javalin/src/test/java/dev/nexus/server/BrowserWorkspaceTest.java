package dev.nexus.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.UserId;
import dev.nexus.core.vault.ProviderId;
import dev.nexus.testkit.gmail.Mailbox;
import dev.nexus.testkit.gmail.StoredMessage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The web workspace in a real headless Chromium against a sandbox server: sign in, connect Gmail
 * through the OAuth redirects, read mail, approve and deny sends, members and the audit log.
 */
class BrowserWorkspaceTest {

  @RegisterExtension static final SandboxExtension sandbox = new SandboxExtension();
  static BrowserSession browser;
  static String base;

  @BeforeAll
  static void start() {
    Assumptions.assumeTrue(
        BrowserSession.missing().isEmpty(),
        () -> "browser tests skipped: " + BrowserSession.missing().orElse(""));
    base = "http://localhost:" + sandbox.nexus().server.port();
    browser = BrowserSession.start();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
  }

  private static void signIn(String email, String organization, String role) {
    signIn(base, email, organization, role);
  }

  private static void signIn(String at, String email, String organization, String role) {
    browser.openSignedOut(at);
    WebElement emailField = browser.visible("#si-email");
    emailField.clear();
    emailField.sendKeys(email);
    browser.driver.findElement(By.id("si-org")).sendKeys(organization == null ? "" : organization);
    new Select(browser.driver.findElement(By.id("si-role"))).selectByValue(role);
    browser.driver.findElement(By.id("si-submit")).click();
    browser.textIn("#whoami", email);
  }

  private static void go(String view) {
    browser.driver.findElement(By.cssSelector("#nav a[data-view='" + view + "']")).click();
    browser.visible("#view-" + view);
  }

  private static void say(String text) {
    WebElement input = browser.visible("#chat-input");
    input.sendKeys(text);
    input.sendKeys(Keys.ENTER);
  }

  private static Mailbox mailboxOfMember(String token) {
    String accessToken = sandbox.nexus().grant(token, ProviderId.GMAIL).accessToken().reveal();
    return sandbox.fakes().gmail().mailbox(accessToken);
  }

  private static Mailbox mailboxOf(String email) {
    return mailboxOfMember(sandbox.nexus().token(email, null, null));
  }

  private static void waitForIdle() {
    browser.waiting().until(ExpectedConditions.elementToBeClickable(By.id("chat-send")));
  }

  @Test
  void workspace_connectReadApproveAndDeny_inTheBrowser() {
    // given ada, signed in to her personal workspace
    signIn("ada@example.com", null, "member");
    browser.screenshot("01-chat-empty");

    // when she connects Gmail through the real redirect flow
    go("connections");
    browser.visible("[data-provider='gmail'] button[data-action='connect']").click();
    browser
        .waiting()
        .until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
    go("connections");

    // then the page says it is connected, to her mailbox, with the scopes granted
    browser.textIn("[data-provider='gmail'] .badge", "Connected");
    assertThat(browser.visible("[data-provider='gmail'] strong").getText())
        .isEqualTo("ada@example.com");
    assertThat(browser.all("[data-provider='gmail'] .scopes li")).isNotEmpty();
    assertThat(browser.visible("[data-provider='notion'] .badge").getText())
        .isEqualTo("Not connected");
    browser.screenshot("02-connections");

    // when she asks for her latest five mails
    go("chat");
    say("Read my latest 5 emails");
    WebElement read = browser.visible("details.tool[data-tool='gmail_read_latest']");
    browser.waiting().until(d -> "success".equals(read.getAttribute("data-outcome")));
    waitForIdle();
    assertThat(read.findElement(By.cssSelector("summary .account")).getText())
        .contains("on ada@example.com");
    read.findElement(By.tagName("summary")).click();

    // then the five newest inbox subjects appear in the result
    List<String> subjects =
        mailboxOf("ada@example.com").messages().stream()
            .filter(m -> m.hasLabel("INBOX"))
            .sorted(Comparator.comparing(StoredMessage::internalDate).reversed())
            .limit(5)
            .map(m -> m.header("Subject"))
            .toList();
    assertThat(subjects).hasSize(5);
    String result = read.findElement(By.cssSelector("pre.result")).getText();
    assertThat(subjects).allSatisfy(subject -> assertThat(result).contains(subject));
    browser.screenshot("03-chat-read-mail");

    // when she asks to send a mail
    Mailbox mailbox = mailboxOf("ada@example.com");
    int sentBefore = mailbox.sent().size();
    say("Send an email to test@example.com saying hello");
    WebElement card =
        browser.visible("article.approval[data-tool='gmail_send'][data-status='pending']");
    waitForIdle();

    // then the card shows exactly what will be sent, and nothing is sent yet
    assertThat(card.findElement(By.cssSelector("dd[data-field='from']")).getText())
        .isEqualTo("ada@example.com");
    assertThat(card.findElement(By.cssSelector("dd[data-field='to']")).getText())
        .isEqualTo("test@example.com");
    assertThat(card.findElement(By.cssSelector("dd[data-field='body']")).getText())
        .contains("hello");
    assertThat(mailbox.sent()).hasSize(sentBefore);
    browser.screenshot("04-approval-card");

    // and its tool line names the mailbox and opens to show the call's arguments
    WebElement sendLine = browser.visible("details.tool[data-tool='gmail_send']");
    assertThat(sendLine.findElement(By.cssSelector("summary .account")).getText())
        .contains("on ada@example.com");
    WebElement arguments = sendLine.findElement(By.cssSelector("pre.arguments"));
    assertThat(arguments.isDisplayed()).isFalse();
    sendLine.findElement(By.tagName("summary")).click();
    browser.waiting().until(d -> arguments.isDisplayed());
    assertThat(arguments.getText()).contains("\"to\"").contains("test@example.com");
    assertThat(arguments.getText()).contains("hello");
    sendLine.findElement(By.tagName("summary")).click();

    // when she approves
    card.findElement(By.cssSelector("button[data-decision='approve']")).click();

    // then the mail is sent once and the chat continues below the card
    browser.waiting().until(d -> "executed".equals(card.getAttribute("data-status")));
    waitForIdle();
    assertThat(mailbox.sent()).hasSize(sentBefore + 1);
    StoredMessage mail = mailbox.sent().get(mailbox.sent().size() - 1);
    assertThat(mail.header("To")).isEqualTo("test@example.com");
    assertThat(mail.text()).contains("hello");
    assertThat(card.findElements(By.cssSelector("button[data-decision]"))).isEmpty();
    List<WebElement> after =
        browser.all("article.approval[data-tool='gmail_send'] ~ .bubble.assistant");
    assertThat(after).isNotEmpty();
    browser.screenshot("05-approved");

    // when she asks for another send and denies it
    say("Send an email to grace@example.com saying no thanks");
    WebElement second =
        browser.visible("article.approval[data-tool='gmail_send'][data-status='pending']");
    waitForIdle();
    second.findElement(By.cssSelector("button[data-decision='deny']")).click();

    // then the card says so, nothing more was sent, and the chat goes on
    browser.waiting().until(d -> "denied".equals(second.getAttribute("data-status")));
    waitForIdle();
    assertThat(second.findElement(By.cssSelector(".state")).getText()).contains("Denied");
    assertThat(mailbox.sent()).hasSize(sentBefore + 1);

    // and the conversation is listed and resumes after a reload with its decided cards
    browser.driver.navigate().refresh();
    browser.visible("#conversation-list button").click();
    browser.visible("article.approval[data-status='executed']");
    browser.visible("article.approval[data-status='denied']");
    assertThat(browser.all("details.tool[data-tool='gmail_read_latest']")).hasSize(1);

    // and on a phone-sized screen the chat still reads
    browser.resize(390, 844);
    browser.screenshot("06-chat-phone");
    browser.resize(1280, 900);

    // when she opens the audit log of her workspace (she is its admin)
    go("audit");
    browser.visible("#audit-rows tr");

    // then it shows the events of this session, and the chain is intact
    browser.visible("#audit-rows tr[data-action='connection_added']");
    browser.visible("#audit-rows tr[data-action='approval_granted']");
    browser.visible("#audit-rows tr[data-action='approval_declined']");
    browser.visible("#audit-rows tr[data-action='tool_call_executed']");
    browser.driver.findElement(By.id("audit-verify")).click();
    browser.textIn("#audit-verify-result", "Chain intact");

    // when she filters by one action
    new Select(browser.driver.findElement(By.id("audit-action"))).selectByValue("approval_granted");
    browser
        .waiting()
        .until(
            d ->
                !browser.all("#audit-rows tr").isEmpty()
                    && browser.all("#audit-rows tr").stream()
                        .allMatch(r -> "approval_granted".equals(r.getAttribute("data-action"))));
    new Select(browser.driver.findElement(By.id("audit-action"))).selectByValue("");
    browser.visible("#audit-rows tr[data-action='connection_added']");
    browser.screenshot("07-audit");

    // and the page broke none of its Content-Security-Policy
    assertThat(browser.policyViolations()).isEmpty();
  }

  @Test
  void members_adminManagesThem_memberCannotOpenThePage() {
    // given an admin of acme
    signIn("grace@example.com", "acme", "admin");

    // when she adds a member and changes the role
    go("members");
    browser.visible("#members-rows tr");
    browser.driver.findElement(By.id("ma-user")).sendKeys("sandbox|linus@example.com");
    new Select(browser.driver.findElement(By.id("ma-role"))).selectByValue("member");
    browser.driver.findElement(By.cssSelector("#member-add button[type='submit']")).click();
    WebElement row = browser.visible("#members-rows tr[data-user='sandbox|linus@example.com']");
    new Select(row.findElement(By.tagName("select"))).selectByValue("manager");
    row.findElement(By.xpath(".//button[text()='Change role']")).click();

    // then the directory holds the new role
    browser
        .waiting()
        .until(
            d ->
                sandbox
                    .nexus()
                    .components
                    .directory()
                    .membership(OrganizationId.of("acme"), UserId.of("sandbox|linus@example.com"))
                    .map(m -> m.role().wireName().equals("manager"))
                    .orElse(false));
    browser.visible("#members-rows tr[data-user='sandbox|linus@example.com']");
    browser.screenshot("08-members");

    // when she removes him and confirms
    browser
        .visible("#members-rows tr[data-user='sandbox|linus@example.com']")
        .findElement(By.xpath(".//button[text()='Remove']"))
        .click();
    assertThat(browser.acceptConfirm()).contains("sandbox|linus@example.com");

    // then his row is gone and he is no longer a member
    browser
        .waiting()
        .until(
            d -> browser.all("#members-rows tr[data-user='sandbox|linus@example.com']").isEmpty());
    assertThat(
            sandbox
                .nexus()
                .components
                .directory()
                .membership(OrganizationId.of("acme"), UserId.of("sandbox|linus@example.com")))
        .isEmpty();
    browser.visible("#members-rows tr[data-user='sandbox|grace@example.com']");

    // when the last admin is demoted, the API's reason is shown
    WebElement self = browser.visible("#members-rows tr[data-user='sandbox|grace@example.com']");
    new Select(self.findElement(By.tagName("select"))).selectByValue("member");
    self.findElement(By.xpath(".//button[text()='Change role']")).click();
    browser.textIn("#alert-text", "at least one admin");

    // given a member of acme
    signIn("ben@example.com", "acme", "member");

    // then the members link is not offered, and opening the page shows the refusal
    assertThat(
            browser.driver.findElement(By.cssSelector("#nav a[data-view='members']")).isDisplayed())
        .isFalse();
    browser.driver.get(base + "/#members");
    browser.textIn("#members-denied", "Only administrators");
    assertThat(browser.driver.findElement(By.id("members-body")).isDisplayed()).isFalse();
    browser.driver.get(base + "/#audit");
    browser.textIn("#audit-denied", "managers and administrators");
  }

  @Test
  void approvals_managerSeesTheOrganizationsPendingCallAndApprovesIt() {
    // given a member of globex whose send waits for approval (set up through the API)
    String member = sandbox.nexus().token("hedy@example.com", "globex", "member");
    sandbox.nexus().connect(member, "gmail");
    String conversation = sandbox.nexus().newConversation(member);
    JsonNode turn =
        sandbox
            .nexus()
            .chat(member, conversation, "Send an email to team@example.com saying the demo works");
    assertThat(turn.get("status").asText()).isEqualTo("awaiting_approval");
    String approvalId = turn.get("pending").get(0).asText();
    Mailbox mailbox = mailboxOfMember(member);
    int sentBefore = mailbox.sent().size();

    // when a manager of globex, with a mailbox of her own, opens the approvals page
    sandbox
        .nexus()
        .connect(sandbox.nexus().token("katherine@example.com", "globex", "manager"), "gmail");
    signIn("katherine@example.com", "globex", "manager");
    go("approvals");

    // then the member's pending call is listed with exactly what will be sent
    WebElement card = browser.visible("article.approval[data-approval='" + approvalId + "']");
    assertThat(card.getText()).contains("hedy@example.com");
    assertThat(card.findElement(By.cssSelector("dd[data-field='from']")).getText())
        .isEqualTo("the connected Gmail account of hedy@example.com");
    assertThat(card.findElement(By.cssSelector("dd[data-field='to']")).getText())
        .isEqualTo("team@example.com");
    assertThat(card.findElement(By.cssSelector("dd[data-field='body']")).getText())
        .contains("the demo works");
    assertThat(browser.visible("#approvals-scope").getText()).contains("everyone in globex");
    browser.screenshot("09-approvals-manager");

    // when she approves it, then it runs once and the card says so
    card.findElement(By.cssSelector("button[data-decision='approve']")).click();
    browser.waiting().until(d -> "executed".equals(card.getAttribute("data-status")));
    assertThat(mailbox.sent()).hasSize(sentBefore + 1);
    assertThat(mailbox.sent().get(sentBefore).header("To")).isEqualTo("team@example.com");

    // and the executed list shows it as decided, without buttons
    new Select(browser.driver.findElement(By.id("approvals-status"))).selectByValue("executed");
    browser.waiting().until(ExpectedConditions.stalenessOf(card));
    WebElement done =
        browser.visible(
            "article.approval[data-approval='" + approvalId + "'][data-status='executed']");
    assertThat(done.findElements(By.cssSelector("button[data-decision]"))).isEmpty();
    assertThat(done.getText()).contains("katherine@example.com");
  }

  @Test
  void notionPage_cardShowsParentTitleAndContent_thenNotionIsDisconnected() {
    // given marie, signed in, who connects Notion through the redirect flow
    signIn("marie@example.com", null, "member");
    go("connections");
    browser.visible("[data-provider='notion'] button[data-action='connect']").click();
    browser
        .waiting()
        .until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
    go("connections");
    browser.textIn("[data-provider='notion'] .badge", "Connected");

    // when she asks for a page
    go("chat");
    say("Create a Notion page called 'Meeting Notes' with content: Agenda and decisions");
    WebElement card =
        browser.visible("article.approval[data-tool='notion_create_page'][data-status='pending']");
    waitForIdle();

    // then the card shows where the page goes, its title and its content
    assertThat(card.findElement(By.cssSelector("h2")).getText())
        .isEqualTo("Create this Notion page?");
    assertThat(card.findElement(By.cssSelector("dd[data-field='parent']")).getText())
        .contains("top of your workspace");
    assertThat(card.findElement(By.cssSelector("dd[data-field='title']")).getText())
        .isEqualTo("Meeting Notes");
    assertThat(card.findElement(By.cssSelector("dd[data-field='content']")).getText())
        .isEqualTo("Agenda and decisions");
    browser.screenshot("11-notion-approval");

    // when she approves, then the page exists in her workspace
    card.findElement(By.cssSelector("button[data-decision='approve']")).click();
    browser.waiting().until(d -> "executed".equals(card.getAttribute("data-status")));
    waitForIdle();
    String token = browserToken();
    String access = sandbox.nexus().grant(token, ProviderId.NOTION).accessToken().reveal();
    assertThat(
            sandbox.fakes().notion().workspace(access).orElseThrow().pageIdByTitle("Meeting Notes"))
        .isPresent();

    // when she disconnects Notion and confirms
    go("connections");
    browser.visible("[data-provider='notion'] button[data-action='disconnect']").click();
    assertThat(browser.acceptConfirm()).startsWith("Disconnect Notion?");

    // then the card offers to connect again, the grant is gone, and the audit log says so
    browser.textIn("[data-provider='notion'] .badge", "Not connected");
    browser.visible("[data-provider='notion'] button[data-action='connect']");
    assertThat(browser.all("[data-provider='notion'] button[data-action='disconnect']")).isEmpty();
    assertThat(sandbox.nexus().findGrant(token, ProviderId.NOTION)).isEmpty();
    go("audit");
    browser.visible("#audit-rows tr[data-action='connection_removed']");
  }

  @Test
  void auditLog_pagesForwardAndBack_twentyFiveEventsAPage() {
    // given an organization with more than a page of events (its admin adds 30 members)
    String admin = sandbox.nexus().token("ida@example.com", "ledger", "admin");
    for (int i = 0; i < 30; i++) {
      TestServer.Response added =
          sandbox
              .nexus()
              .post(
                  "/api/organization/members",
                  admin,
                  Map.of("user", "sandbox|clerk" + i + "@example.com", "role", "member"));
      assertThat(added.status()).isBetween(200, 201);
    }

    // when she signs in and opens the audit log
    signIn("ida@example.com", "ledger", "admin");
    List<Long> all = new ArrayList<>();
    sandbox
        .nexus()
        .get("/api/audit?limit=1000", admin)
        .json()
        .get("records")
        .forEach(r -> all.add(r.get("sequence").asLong()));
    int total = all.size();
    assertThat(total).isBetween(26, 50);
    go("audit");

    // then the first page holds the first 25 events, and only Next is offered
    browser.waiting().until(d -> browser.all("#audit-rows tr[data-sequence]").size() == 25);
    assertThat(sequences()).isEqualTo(all.subList(0, 25));
    assertThat(browser.driver.findElement(By.id("audit-prev")).isEnabled()).isFalse();
    assertThat(browser.driver.findElement(By.id("audit-next")).isEnabled()).isTrue();
    browser.textIn("#audit-page", "Page 1");

    // when she goes to the next page, then it holds the rest and ends there
    browser.driver.findElement(By.id("audit-next")).click();
    browser.textIn("#audit-page", "Page 2");
    browser.waiting().until(d -> browser.all("#audit-rows tr[data-sequence]").size() == total - 25);
    assertThat(sequences()).isEqualTo(all.subList(25, total));
    assertThat(browser.driver.findElement(By.id("audit-next")).isEnabled()).isFalse();

    // and Previous brings the first page back
    browser.driver.findElement(By.id("audit-prev")).click();
    browser.textIn("#audit-page", "Page 1");
    browser.waiting().until(d -> browser.all("#audit-rows tr[data-sequence]").size() == 25);
    assertThat(sequences()).isEqualTo(all.subList(0, 25));
  }

  @Test
  void approval_leftUntilItExpires_saysItExpiredAndOffersNoButtons(@TempDir Path shortData) {
    // given a server whose approvals expire after two seconds, and a send left waiting there
    Map<String, String> env = TestServer.sandboxEnv(shortData);
    env.put("NEXUS_APPROVAL_TTL", "2");
    try (TestServer hasty = TestServer.start(env, sandbox.fakes())) {
      String at = "http://localhost:" + hasty.server.port();
      String member = hasty.token("otto@example.com", null, null);
      hasty.connect(member, "gmail");
      String conversation = hasty.newConversation(member);
      JsonNode turn =
          hasty.chat(member, conversation, "Send an email to late@example.com saying hi");
      String approvalId = turn.get("pending").get(0).asText();
      waitPast(hasty, member, approvalId);

      // when he reopens the conversation
      signIn(at, "otto@example.com", null, "member");
      browser.visible("#conversation-list button").click();

      // then the card says it expired, without buttons, and so does the tool line
      WebElement card = browser.visible("article.approval[data-approval='" + approvalId + "']");
      browser.waiting().until(d -> "expired".equals(card.getAttribute("data-status")));
      assertThat(card.findElement(By.cssSelector(".state")).getText())
          .isEqualTo("Expired; nothing was run");
      assertThat(card.findElements(By.cssSelector("button[data-decision]"))).isEmpty();
      assertThat(browser.visible("details.tool[data-tool='gmail_send'] .outcome").getText())
          .isEqualTo("expired");

      // and the approvals page lists it among the expired ones, saying the same
      go("approvals");
      new Select(browser.driver.findElement(By.id("approvals-status"))).selectByValue("expired");
      WebElement listed =
          browser.visible(
              "#approvals-list article.approval[data-approval='"
                  + approvalId
                  + "'][data-status='expired']");
      assertThat(listed.getText())
          .contains("Expired; nothing was run")
          .contains("late@example.com");
      assertThat(listed.findElements(By.cssSelector("button[data-decision]"))).isEmpty();
    }
  }

  /** Waits until the approval's expiry has passed by the server's own account. */
  private static void waitPast(TestServer server, String token, String approvalId) {
    browser
        .waiting()
        .until(
            d ->
                server
                    .get("/api/approvals?status=expired", token)
                    .json()
                    .get("approvals")
                    .findValues("id")
                    .stream()
                    .anyMatch(id -> id.asText().equals(approvalId)));
  }

  private static List<Long> sequences() {
    return browser.all("#audit-rows tr[data-sequence]").stream()
        .map(r -> Long.parseLong(r.getAttribute("data-sequence")))
        .toList();
  }

  private static String browserToken() {
    return (String) browser.driver.executeScript("return sessionStorage.getItem('nexus.token');");
  }

  @Test
  void signIn_invalidOrganization_showsTheServersReason() {
    // given the sign-in form
    browser.openSignedOut(base);
    browser.screenshot("00-sign-in");

    // when the organization name is not acceptable
    browser.visible("#si-org").sendKeys("not a valid org!");
    browser.driver.findElement(By.id("si-submit")).click();

    // then the API's problem detail is shown as a sentence, not raw JSON
    WebElement alert = browser.visible("#alert");
    assertThat(alert.getText()).doesNotContain("{").doesNotContain("\"detail\"");
    assertThat(browser.driver.findElement(By.id("view-signin")).isDisplayed()).isTrue();
  }

  @Test
  void geminiKey_isKeptInLocalStorageAndRemovable() {
    // given a signed-in person
    signIn("linus@example.com", null, "member");
    go("settings");

    // when a key is saved, then it sits in localStorage and the page says so
    browser.visible("#key-input").sendKeys("AIzaSyTestKey_1234567890");
    browser.driver.findElement(By.cssSelector("#key-form button[type='submit']")).click();
    browser.textIn("#key-state", "A key is saved");
    Object stored =
        browser.driver.executeScript("return localStorage.getItem('nexus.geminiApiKey');");
    assertThat(stored).isEqualTo("AIzaSyTestKey_1234567890");
    assertThat(browser.visible("#key-form").getText()).contains("localStorage");

    // when it is removed, then it is gone
    browser.driver.findElement(By.id("key-remove")).click();
    browser.textIn("#key-state", "No key saved");
    assertThat(browser.driver.executeScript("return localStorage.getItem('nexus.geminiApiKey');"))
        .isNull();
  }
}
