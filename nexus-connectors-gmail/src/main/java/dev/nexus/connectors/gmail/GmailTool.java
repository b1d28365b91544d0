package dev.nexus.connectors.gmail;

import com.google.api.client.http.HttpResponseException;
import com.google.api.services.gmail.model.ListMessagesResponse;
import com.google.api.services.gmail.model.Message;
import dev.nexus.connectors.gmail.GmailCalls.Kind;
import dev.nexus.connectors.gmail.GmailCalls.Session;
import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.error.NexusException;
import dev.nexus.core.error.OutcomeUnknownException;
import dev.nexus.core.tool.Tool;
import dev.nexus.core.tool.ToolArguments;
import dev.nexus.core.tool.ToolContext;
import dev.nexus.core.tool.ToolResult;
import dev.nexus.core.tool.ToolSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shape every Gmail tool shares: its spec, the calls it makes, and one place that turns a
 * failure into the short tool error the model reads (an unknown outcome stays distinct) and into
 * one WARN log line.
 */
abstract class GmailTool implements Tool {

  private static final Logger LOG = LoggerFactory.getLogger(GmailTool.class);

  /** The headers list tools show. */
  static final List<String> LIST_HEADERS = List.of("From", "Subject", "Date");

  private final ToolSpec spec;
  final GmailCalls calls;
  final GmailSettings settings;

  GmailTool(ToolSpec spec, GmailCalls calls, GmailSettings settings) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.calls = Objects.requireNonNull(calls, "calls");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  @Override
  public final ToolSpec spec() {
    return spec;
  }

  @Override
  public final ToolResult execute(ToolContext context, ToolArguments arguments) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(arguments, "arguments");
    long started = System.nanoTime();
    try {
      return run(context, arguments);
    } catch (OutcomeUnknownException e) {
      logFailure(e, started);
      return ToolResult.outcomeUnknown(e.getMessage());
    } catch (NexusException e) {
      logFailure(e, started);
      return ToolResult.error(e.getMessage());
    }
  }

  /**
   * The one WARN line of a failed call: the tool, the kind of failure and, when Gmail or the
   * network caused it, the HTTP status and Gmail's reason or the I/O exception's type. Exception
   * messages are left out, as they may quote addresses or content.
   */
  private void logFailure(NexusException e, long started) {
    LOG.warn(
        "{} failed: {}{} after {} ms",
        spec.name(),
        e.getClass().getSimpleName(),
        cause(e),
        (System.nanoTime() - started) / 1_000_000);
  }

  private static String cause(NexusException e) {
    Throwable cause = e.getCause();
    if (cause instanceof HttpResponseException http) {
      return " (HTTP " + http.getStatusCode() + " " + GmailCalls.reason(http) + ")";
    }
    if (cause instanceof IOException) {
      return " (" + cause.getClass().getSimpleName() + ")";
    }
    return "";
  }

  abstract ToolResult run(ToolContext context, ToolArguments arguments);

  /** A message id as Gmail writes them; anything else is refused before a request is made. */
  static String messageId(ToolArguments arguments) {
    String id = arguments.string("message_id").trim();
    if (!id.matches("[A-Za-z0-9_-]{1,128}")) {
      throw new InvalidInputException(
          "'message_id' must be a Gmail message id (letters and digits), as listed by a search");
    }
    return id;
  }

  /** Lists message ids, then fetches each one's list headers and snippet. */
  static List<Message> listWithHeaders(Session session, ListMessagesResponse listed) {
    List<Message> messages = new ArrayList<>();
    if (listed.getMessages() == null) {
      return messages;
    }
    for (Message stub : listed.getMessages()) {
      messages.add(
          session.execute(
              "messages.get",
              stub.getId(),
              Kind.READ,
              gmail ->
                  gmail
                      .users()
                      .messages()
                      .get("me", stub.getId())
                      .setFormat("metadata")
                      .setMetadataHeaders(LIST_HEADERS)));
    }
    return messages;
  }

  /** The text list tools answer: a count line, then one block per message. */
  static String listing(List<Message> messages, String empty) {
    if (messages.isEmpty()) {
      return empty;
    }
    StringBuilder out = new StringBuilder();
    out.append(messages.size()).append(messages.size() == 1 ? " message:" : " messages:");
    for (Message message : messages) {
      out.append("\n\nid: ").append(message.getId());
      out.append("\nfrom: ").append(MessageText.header(message, "From"));
      out.append("\nsubject: ").append(MessageText.header(message, "Subject"));
      out.append("\ndate: ").append(MessageText.date(message));
      if (message.getLabelIds() != null && message.getLabelIds().contains("UNREAD")) {
        out.append("\nunread: yes");
      }
      out.append("\nsnippet: ").append(MessageText.snippet(message));
    }
    return out.toString();
  }
}
