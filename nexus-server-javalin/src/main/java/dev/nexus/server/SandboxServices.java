package dev.nexus.server;

import dev.nexus.testkit.auth0.FakeAuth0Server;
import dev.nexus.testkit.gmail.FakeGmailServer;
import dev.nexus.testkit.notion.FakeNotionServer;
import java.time.Clock;

/**
 * The stand-ins a sandbox talks to instead of Auth0, Google and Notion: the testkit's fake servers,
 * on loopback, speaking the real wire formats, with seeded mailboxes and workspaces for every
 * account that connects. Several server instances can share one set (as several nodes share the
 * real services), which is how the tests run two nodes or restart one.
 */
public record SandboxServices(FakeAuth0Server auth0, FakeGmailServer gmail, FakeNotionServer notion)
    implements AutoCloseable {

  /** Starts all three fakes. */
  public static SandboxServices start(Clock clock) {
    FakeAuth0Server auth0 = FakeAuth0Server.start(clock);
    FakeGmailServer gmail = null;
    try {
      gmail = FakeGmailServer.start(clock);
      gmail.seedNewAccounts(true);
      FakeNotionServer notion = FakeNotionServer.start();
      notion.seedNewInstallations(true);
      return new SandboxServices(auth0, gmail, notion);
    } catch (RuntimeException e) {
      auth0.close();
      if (gmail != null) {
        gmail.close();
      }
      throw e;
    }
  }

  @Override
  public void close() {
    notion.close();
    gmail.close();
    auth0.close();
  }
}
