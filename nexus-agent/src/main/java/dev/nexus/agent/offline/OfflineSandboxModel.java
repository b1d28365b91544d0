package dev.nexus.agent.offline;

import dev.nexus.agent.offline.Intent.CreatePage;
import dev.nexus.agent.offline.Intent.ReadLatest;
import dev.nexus.agent.offline.Intent.ReadPage;
import dev.nexus.agent.offline.Intent.SearchMail;
import dev.nexus.agent.offline.Intent.SearchNotion;
import dev.nexus.agent.offline.Intent.SendMail;
import dev.nexus.agent.offline.Intent.SendMailWithoutBody;
import dev.nexus.agent.offline.Intent.SummarizeToNotion;
import dev.nexus.agent.offline.ToolOutputs.Mail;
import dev.nexus.agent.offline.ToolOutputs.PageHit;
import dev.nexus.core.conversation.ChatMessage;
import dev.nexus.core.conversation.ChatMessage.ToolResultMessage;
import dev.nexus.core.conversation.ChatMessage.UserMessage;
import dev.nexus.core.model.LanguageModel;
import dev.nexus.core.model.ModelRequest;
import dev.nexus.core.model.ModelResponse;
import dev.nexus.core.tool.ToolCall;
import dev.nexus.core.tool.ToolCallId;
import dev.nexus.core.tool.ToolResult;
import dev.nexus.core.tool.ToolSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A rule-based stand-in for a language model, for the sandbox: <strong>not an AI</strong>. It lets
 * Nexus run end to end without any model account, through the same runtime, guard and approvals as
 * a real model. It reads the person's last message, matches it against a fixed set of phrases, asks
 * for the tool calls that phrase needs (one step at a time, using the results of earlier steps),
 * and ends with a short sentence about the results.
 *
 * <p>Understood phrases (case-insensitive; quotes and final punctuation are fine):
 *
 * <ul>
 *   <li>"read my latest N emails" ({@code gmail_read_latest}, count N, default 5);
 *   <li>"read my unread emails" ({@code gmail_read_latest} with {@code unread_only});
 *   <li>"search my email for X" ({@code gmail_search}); "find emails from X";
 *   <li>"send an email to ADDRESS saying TEXT", optionally "with subject S" ({@code gmail_send});
 *   <li>"create a Notion page called 'TITLE' with content: TEXT" ({@code notion_create_page});
 *   <li>"search Notion for X" ({@code notion_search});
 *   <li>"read the Notion page TITLE" ({@code notion_search}, then {@code notion_read_page} with the
 *       id of the best match);
 *   <li>"summarize my latest N emails into a Notion page called TITLE" ({@code gmail_read_latest},
 *       then {@code notion_create_page} with one bullet per email: subject and sender).
 * </ul>
 *
 * <p>Anything else is answered with this list and how to switch on Gemini. It only asks for tools
 * offered in the request; when one is missing it says the person may not use it or has to connect
 * the account. Text is streamed in a few pieces. Token usage is reported as zero.
 *
 * <p>Limitations: one request per message (no "and then"); no memory of earlier turns beyond the
 * current message and its tool results; counts between 1 and 50; no dates, labels or attachments.
 */
public final class OfflineSandboxModel implements LanguageModel {

  /** The environment variable the server reads a Gemini API key from. */
  public static final String GEMINI_KEY_VARIABLE = "NEXUS_GEMINI_API_KEY";

  /** The request header a person can bring their own Gemini key in. */
  public static final String GEMINI_KEY_HEADER = "X-Gemini-Api-Key";

  static final String HELP =
      "I'm the offline sandbox model: a rule-based stand-in, not an AI, so I only understand a"
          + " few phrases:\n"
          + "- \"Read my latest 5 emails\" or \"Read my unread emails\"\n"
          + "- \"Search my email for invoice\"\n"
          + "- \"Send an email to ana@example.com saying hello\" (optionally \"with subject Hi\")\n"
          + "- \"Create a Notion page called 'Meeting Notes' with content: Agenda ...\"\n"
          + "- \"Search Notion for roadmap\"\n"
          + "- \"Read the Notion page Meeting Notes\"\n"
          + "- \"Summarize my latest 5 emails into a Notion page called Inbox digest\"\n"
          + "To talk to Gemini instead, start the server with "
          + GEMINI_KEY_VARIABLE
          + " set, or send your own key in the "
          + GEMINI_KEY_HEADER
          + " header.";

  private static final int MAX_PAGE_CHARS = 3_000;

  @Override
  public ModelResponse generate(ModelRequest request, Consumer<String> onTextDelta) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(onTextDelta, "onTextDelta");
    Turn turn = Turn.of(request.messages());
    Set<String> offered =
        request.tools().stream().map(ToolSpec::name).collect(Collectors.toUnmodifiableSet());
    Step step =
        turn.userText().map(text -> plan(Intent.parse(text), turn, offered)).orElse(say(HELP));
    if (step instanceof Call call) {
      return ModelResponse.toolCalls(
          List.of(new ToolCall(ToolCallId.random(), call.tool(), call.arguments())));
    }
    String text = ((Say) step).text();
    stream(text, onTextDelta);
    return ModelResponse.text(text);
  }

  // ---------------------------------------------------------------- planning

  private sealed interface Step permits Call, Say {}

  private record Call(String tool, Map<String, Object> arguments) implements Step {}

  private record Say(String text) implements Step {}

  private static Say say(String text) {
    return new Say(text);
  }

  private static Step plan(Intent intent, Turn turn, Set<String> offered) {
    if (intent instanceof ReadLatest read) {
      return readLatest(read, turn, offered);
    }
    if (intent instanceof SearchMail search) {
      return searchMail(search, turn, offered);
    }
    if (intent instanceof SendMail send) {
      return sendMail(send, turn, offered);
    }
    if (intent instanceof SendMailWithoutBody send) {
      return say(
          "What should the email to "
              + String.join(", ", send.to())
              + " say? For example: send an email to "
              + send.to().get(0)
              + " saying hello.");
    }
    if (intent instanceof CreatePage create) {
      return createPage(create, turn, offered);
    }
    if (intent instanceof SearchNotion search) {
      return searchNotion(search, turn, offered);
    }
    if (intent instanceof ReadPage read) {
      return readPage(read, turn, offered);
    }
    if (intent instanceof SummarizeToNotion summary) {
      return summarize(summary, turn, offered);
    }
    return say(HELP);
  }

  private static Step readLatest(ReadLatest intent, Turn turn, Set<String> offered) {
    Optional<Result> result = turn.last("gmail_read_latest");
    if (result.isEmpty()) {
      Map<String, Object> args = new LinkedHashMap<>();
      args.put("count", intent.count());
      if (intent.unreadOnly()) {
        args.put("unread_only", true);
      }
      return call("gmail_read_latest", args, offered);
    }
    Result read = result.get();
    if (!read.success()) {
      return say("I could not read your email: " + ToolOutputs.reason(read.output()) + ".");
    }
    List<Mail> mails = ToolOutputs.mails(read.output());
    if (mails.isEmpty()) {
      return say(intent.unreadOnly() ? "You have no unread emails." : "I found no emails.");
    }
    String which = intent.unreadOnly() ? "unread" : "latest";
    return say(
        "Here are your "
            + count(mails.size(), which + " email", which + " emails")
            + ":\n"
            + bullets(mails));
  }

  private static Step searchMail(SearchMail intent, Turn turn, Set<String> offered) {
    Optional<Result> result = turn.last("gmail_search");
    if (result.isEmpty()) {
      return call("gmail_search", Map.of("query", intent.query(), "max_results", 10), offered);
    }
    Result search = result.get();
    if (!search.success()) {
      return say("I could not search your email: " + ToolOutputs.reason(search.output()) + ".");
    }
    List<Mail> mails = ToolOutputs.mails(search.output());
    if (mails.isEmpty()) {
      return say("I found no emails matching \"" + intent.query() + "\".");
    }
    return say(
        "I found "
            + count(mails.size(), "email", "emails")
            + " matching \""
            + intent.query()
            + "\":\n"
            + bullets(mails));
  }

  private static Step sendMail(SendMail intent, Turn turn, Set<String> offered) {
    Optional<Result> result = turn.last("gmail_send");
    String recipients = String.join(", ", intent.to());
    if (result.isEmpty()) {
      Map<String, Object> args = new LinkedHashMap<>();
      args.put("to", intent.to());
      intent.subject().ifPresent(subject -> args.put("subject", subject));
      args.put("body", intent.body());
      return call("gmail_send", args, offered);
    }
    Result send = result.get();
    return switch (send.status()) {
      case SUCCESS -> say("The email to " + recipients + " was sent.");
      case OUTCOME_UNKNOWN ->
          say(
              "I cannot tell whether the email to "
                  + recipients
                  + " was sent: "
                  + ToolOutputs.reason(send.output())
                  + ". Please check your Sent folder before trying again.");
      case ERROR -> say("The email to " + recipients + " was not sent" + why(send) + ".");
    };
  }

  private static Step createPage(CreatePage intent, Turn turn, Set<String> offered) {
    Optional<Result> result = turn.last("notion_create_page");
    if (result.isEmpty()) {
      Map<String, Object> args = new LinkedHashMap<>();
      args.put("title", intent.title());
      if (!intent.content().isBlank()) {
        args.put("content", intent.content());
      }
      return call("notion_create_page", args, offered);
    }
    return say(pageCreated(intent.title(), result.get(), "I created the Notion page"));
  }

  private static Step searchNotion(SearchNotion intent, Turn turn, Set<String> offered) {
    Optional<Result> result = turn.last("notion_search");
    if (result.isEmpty()) {
      return call("notion_search", Map.of("query", intent.query()), offered);
    }
    Result search = result.get();
    if (!search.success()) {
      return say("I could not search Notion: " + ToolOutputs.reason(search.output()) + ".");
    }
    List<PageHit> hits = ToolOutputs.pageHits(search.output());
    if (hits.isEmpty()) {
      return say("I found nothing in Notion for \"" + intent.query() + "\".");
    }
    String list =
        hits.stream()
            .map(h -> "- " + h.title() + (h.dataSource() ? " (data source)" : ""))
            .collect(Collectors.joining("\n"));
    return say(
        "I found "
            + count(hits.size(), "result", "results")
            + " in Notion for \""
            + intent.query()
            + "\":\n"
            + list);
  }

  private static Step readPage(ReadPage intent, Turn turn, Set<String> offered) {
    Optional<Say> missing = missing(offered, "notion_search", "notion_read_page");
    if (missing.isPresent()) {
      return missing.get();
    }
    Optional<Result> search = turn.last("notion_search");
    if (search.isEmpty()) {
      return call("notion_search", Map.of("query", intent.title()), offered);
    }
    if (!search.get().success()) {
      return say("I could not search Notion: " + ToolOutputs.reason(search.get().output()) + ".");
    }
    Optional<PageHit> page = bestPage(ToolOutputs.pageHits(search.get().output()), intent.title());
    if (page.isEmpty()) {
      return say("I found no Notion page called \"" + intent.title() + "\".");
    }
    Optional<Result> read = turn.last("notion_read_page");
    if (read.isEmpty()) {
      return call("notion_read_page", Map.of("page_id", page.get().id()), offered);
    }
    if (!read.get().success()) {
      return say(
          "I could not read the Notion page \""
              + page.get().title()
              + "\": "
              + ToolOutputs.reason(read.get().output())
              + ".");
    }
    String content = read.get().output();
    if (content.length() > MAX_PAGE_CHARS) {
      content = content.substring(0, MAX_PAGE_CHARS) + "\n[...]";
    }
    return say("Here is the Notion page \"" + page.get().title() + "\":\n\n" + content);
  }

  private static Step summarize(SummarizeToNotion intent, Turn turn, Set<String> offered) {
    Optional<Say> missing = missing(offered, "gmail_read_latest", "notion_create_page");
    if (missing.isPresent()) {
      return missing.get();
    }
    Optional<Result> read = turn.last("gmail_read_latest");
    if (read.isEmpty()) {
      return call("gmail_read_latest", Map.of("count", intent.count()), offered);
    }
    if (!read.get().success()) {
      return say(
          "I could not read your email, so I did not create the page: "
              + ToolOutputs.reason(read.get().output())
              + ".");
    }
    List<Mail> mails = ToolOutputs.mails(read.get().output());
    if (mails.isEmpty()) {
      return say("I found no emails to summarize, so I did not create the page.");
    }
    Optional<Result> created = turn.last("notion_create_page");
    if (created.isEmpty()) {
      String content =
          "Summary of your latest "
              + count(mails.size(), "email", "emails")
              + ":\n\n"
              + bullets(mails);
      return call(
          "notion_create_page", Map.of("title", intent.title(), "content", content), offered);
    }
    return say(
        pageCreated(
            intent.title(),
            created.get(),
            "I summarized your latest "
                + count(mails.size(), "email", "emails")
                + " into the Notion page"));
  }

  // ---------------------------------------------------------------- helpers

  private static Step call(String tool, Map<String, Object> arguments, Set<String> offered) {
    return missing(offered, tool).map(Step.class::cast).orElse(new Call(tool, arguments));
  }

  private static Optional<Say> missing(Set<String> offered, String... tools) {
    for (String tool : tools) {
      if (!offered.contains(tool)) {
        String account = tool.startsWith("gmail_") ? "Gmail" : "Notion";
        return Optional.of(
            say(
                "I can't do that: the tool "
                    + tool
                    + " is not available to you here. Your role may not allow it, or your "
                    + account
                    + " account is not connected yet."));
      }
    }
    return Optional.empty();
  }

  private static String pageCreated(String title, Result result, String successPrefix) {
    return switch (result.status()) {
      case SUCCESS -> successPrefix + " \"" + title + "\".";
      case OUTCOME_UNKNOWN ->
          "I cannot tell whether the Notion page \""
              + title
              + "\" was created: "
              + ToolOutputs.reason(result.output())
              + ". Please check Notion before trying again.";
      case ERROR -> "The Notion page \"" + title + "\" was not created" + why(result) + ".";
    };
  }

  /** Why a write did not happen, as the end of a sentence. */
  private static String why(Result result) {
    String output = result.output().toLowerCase(Locale.ROOT);
    if (output.contains("declined")) {
      return ", because you declined it";
    }
    if (output.contains("expired")) {
      return ", because nobody approved it in time";
    }
    return ": " + ToolOutputs.reason(result.output());
  }

  private static Optional<PageHit> bestPage(List<PageHit> hits, String title) {
    List<PageHit> pages = hits.stream().filter(h -> !h.dataSource()).toList();
    return pages.stream()
        .filter(h -> h.title().equalsIgnoreCase(title))
        .findFirst()
        .or(() -> pages.stream().findFirst());
  }

  private static String bullets(List<Mail> mails) {
    return mails.stream()
        .map(
            m ->
                "- "
                    + (m.subject().isEmpty() ? "(no subject)" : m.subject())
                    + (m.from().isEmpty()
                        ? ""
                        : " (from " + ToolOutputs.senderName(m.from()) + ")"))
        .collect(Collectors.joining("\n"));
  }

  private static String count(int n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }

  /** Sends {@code text} as a few pieces split at spaces; their concatenation is the text. */
  static void stream(String text, Consumer<String> onTextDelta) {
    int pieces = 4;
    int size = Math.max(1, text.length() / pieces);
    int start = 0;
    while (start < text.length()) {
      int end = Math.min(text.length(), start + size);
      int space = text.indexOf(' ', end);
      end = space < 0 || text.length() - space < size / 2 ? text.length() : space + 1;
      onTextDelta.accept(text.substring(start, end));
      start = end;
    }
  }

  // ---------------------------------------------------------------- the current turn

  /** A tool result of the current turn, unframed. */
  private record Result(String tool, ToolResult.Status status, String output) {
    boolean success() {
      return status == ToolResult.Status.SUCCESS;
    }
  }

  /** The person's last message and the tool results that followed it, in order. */
  private record Turn(Optional<String> userText, List<Result> results) {

    static Turn of(List<ChatMessage> messages) {
      int last = -1;
      for (int i = messages.size() - 1; i >= 0; i--) {
        if (messages.get(i) instanceof UserMessage) {
          last = i;
          break;
        }
      }
      if (last < 0) {
        return new Turn(Optional.empty(), List.of());
      }
      List<Result> results = new ArrayList<>();
      for (ChatMessage message : messages.subList(last + 1, messages.size())) {
        if (message instanceof ToolResultMessage result) {
          results.add(
              new Result(
                  result.toolName(),
                  result.result().status(),
                  ToolOutputs.unframe(result.result().content())));
        }
      }
      return new Turn(Optional.of(((UserMessage) messages.get(last)).text()), results);
    }

    Optional<Result> last(String tool) {
      for (int i = results.size() - 1; i >= 0; i--) {
        if (results.get(i).tool().equals(tool)) {
          return Optional.of(results.get(i));
        }
      }
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "OfflineSandboxModel[rule-based, not an AI]";
  }
}
