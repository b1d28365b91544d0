package dev.nexus.agent.offline;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the person asked the offline model for, recognised from a fixed set of phrases. Matching is
 * case-insensitive and tolerant of punctuation, politeness ("please", "can you") and quotes
 * (straight or curly) around titles, queries and texts.
 */
sealed interface Intent {

  /** "read my latest N emails"; "read my unread emails". */
  record ReadLatest(int count, boolean unreadOnly) implements Intent {}

  /** "search my email for X". */
  record SearchMail(String query) implements Intent {}

  /** "send an email to ADDRESS saying TEXT", optionally "with subject S". */
  record SendMail(List<String> to, Optional<String> subject, String body) implements Intent {}

  /** "send an email to ADDRESS" without a text: the model asks for one. */
  record SendMailWithoutBody(List<String> to) implements Intent {}

  /** "create a Notion page called 'TITLE' with content: TEXT". */
  record CreatePage(String title, String content) implements Intent {}

  /** "search Notion for X". */
  record SearchNotion(String query) implements Intent {}

  /** "read the Notion page TITLE". */
  record ReadPage(String title) implements Intent {}

  /** "summarize my latest N emails into a Notion page called TITLE". */
  record SummarizeToNotion(int count, String title) implements Intent {}

  /** Anything else. */
  record Unknown() implements Intent {}

  int DEFAULT_COUNT = 5;
  int DEFAULT_UNREAD_COUNT = 10;
  int MAX_COUNT = 50;

  String EMAIL = "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}";
  String MAILS = "(?:e-?mails?|mails?|messages?|inbox)";
  String NUMBER =
      "(\\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty)";
  String RECENT = "(?:latest|last|recent|newest|most recent|new)";
  String CALLED = "(?:called|named|titled|with (?:the )?title)";

  /** Recognises {@code text}; {@link Unknown} when no phrase matches. */
  static Intent parse(String text) {
    String line = Phrases.normalize(text);
    for (Phrases.Rule rule : Phrases.RULES) {
      Optional<Intent> intent = rule.apply(line);
      if (intent.isPresent()) {
        return intent.get();
      }
    }
    return new Unknown();
  }

  /** The phrase rules, in the order they are tried (most specific first). */
  final class Phrases {

    interface Rule {
      Optional<Intent> apply(String line);
    }

    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;

    private static final Pattern SUMMARIZE =
        Pattern.compile(
            "^(?:summari[sz]e|make a summary of|write a summary of|sum up)\\s+(?:my\\s+|the\\s+)?"
                + "(?:"
                + RECENT
                + "\\s+)?(?:"
                + NUMBER
                + "\\s+)?(?:"
                + RECENT
                + "\\s+)?(?:unread\\s+)?"
                + MAILS
                + "\\s+(?:into|in|to|as|on)\\s+(?:a\\s+|the\\s+)?(?:new\\s+)?notion\\s+page"
                + "(?:\\s+"
                + CALLED
                + ")?\\s*(.*)$",
            FLAGS);

    private static final String RECIPIENTS = "(" + EMAIL + "(?:\\s*(?:,|and|&)\\s*" + EMAIL + ")*)";

    private static final Pattern SEND =
        Pattern.compile(
            "^(?:(?:send|write|compose)\\s+(?:an?\\s+)?(?:e-?mail|mail|message|note)\\s+to"
                + "|e-?mail)\\s+"
                + RECIPIENTS
                + "(.*)$",
            FLAGS);

    private static final Pattern SEND_REST =
        Pattern.compile(
            "^\\s*[,:]?\\s*(?:with\\s+(?:the\\s+)?subject\\s*:?\\s*(.+?)\\s*,?\\s+(?:and\\s+)?)?"
                + "(?:saying|that says|which says|to say|with (?:the )?(?:body|text|message)"
                + "|body|text|:)\\s*:?\\s*(.+?)"
                + "(?:\\s*,?\\s+(?:and\\s+)?with\\s+(?:the\\s+)?subject\\s*:?\\s*(.+))?$",
            FLAGS | Pattern.DOTALL);

    private static final Pattern SUBJECT_ONLY =
        Pattern.compile("^\\s*,?\\s*with\\s+(?:the\\s+)?subject\\s*:?\\s*(.+)$", FLAGS);

    private static final Pattern CREATE_PAGE =
        Pattern.compile(
            "^(?:create|make|add|write|start)\\s+(?:a\\s+|an\\s+)?(?:new\\s+)?"
                + "(?:notion\\s+page|page\\s+in\\s+notion|notion\\s+doc(?:ument)?)"
                + "(?:\\s+"
                + CALLED
                + ")?\\s*(.*)$",
            FLAGS | Pattern.DOTALL);

    private static final Pattern CONTENT_MARKER =
        Pattern.compile(
            "\\s*,?\\s*(?:with\\s+(?:the\\s+)?(?:content|text|body)|containing|saying|that says)"
                + "\\s*:?\\s*",
            FLAGS);

    private static final Pattern READ_PAGE =
        Pattern.compile(
            "^(?:read|open|show(?:\\s+me)?|get|fetch|display)\\s+(?:me\\s+)?(?:the\\s+|my\\s+)?"
                + "(?:notion\\s+page(?:\\s+"
                + CALLED
                + ")?\\s+(.+)|page\\s+(.+?)\\s+(?:from|in|on)\\s+notion)$",
            FLAGS);

    private static final List<Pattern> SEARCH_NOTION =
        List.of(
            Pattern.compile(
                "^(?:search|look)\\s+(?:in\\s+|through\\s+)?(?:my\\s+)?notion\\s+(?:for|about)\\s+"
                    + "(.+)$",
                FLAGS),
            Pattern.compile(
                "^(?:search|look)\\s+for\\s+(.+?)\\s+(?:in|on)\\s+(?:my\\s+)?notion$", FLAGS),
            Pattern.compile("^find\\s+(.+?)\\s+in\\s+(?:my\\s+)?notion$", FLAGS),
            Pattern.compile(
                "^find\\s+(?:my\\s+)?notion\\s+pages?\\s+(?:about|for|on|called)\\s+(.+)$", FLAGS));

    private static final String MAILBOX = "(?:e-?mails?|mail|mailbox|inbox|gmail)";

    private static final List<Pattern> SEARCH_MAIL =
        List.of(
            Pattern.compile(
                "^(?:search|look)\\s+(?:through\\s+|in\\s+)?(?:my\\s+)?"
                    + MAILBOX
                    + "\\s+(?:for|about)\\s+(.+)$",
                FLAGS),
            Pattern.compile(
                "^(?:search|look)\\s+for\\s+(.+?)\\s+in\\s+(?:my\\s+)?" + MAILBOX + "$", FLAGS),
            Pattern.compile(
                "^find\\s+(?:my\\s+)?(?:e-?mails?|mails?|messages)\\s+(?:about|for|mentioning)\\s+"
                    + "(.+)$",
                FLAGS));

    private static final Pattern FIND_MAIL_FROM =
        Pattern.compile(
            "^(?:find|search|show)\\s+(?:me\\s+)?(?:my\\s+)?(?:e-?mails?|mails?|messages)\\s+from\\s+"
                + "(.+)$",
            FLAGS);

    private static final Pattern QUOTED =
        Pattern.compile("^(['\"`])(.*)\\1[.!?]*$", Pattern.DOTALL);

    private static final Pattern UNREAD = Pattern.compile("\\bunread\\b", FLAGS);
    private static final Pattern MAIL_WORD = Pattern.compile("\\b" + MAILS + "\\b", FLAGS);
    private static final Pattern READ_VERB =
        Pattern.compile(
            "\\b(?:read|show|list|get|check|fetch|see|give|what are|what's in|whats in)\\b", FLAGS);
    private static final Pattern COUNT_BEFORE_MAILS =
        Pattern.compile(
            "\\b"
                + NUMBER
                + "\\s+(?:"
                + RECENT
                + "\\s+)?(?:unread\\s+)?(?:"
                + RECENT
                + "\\s+)?"
                + MAILS
                + "\\b",
            FLAGS);

    private static final Pattern SINGLE_MAIL =
        Pattern.compile(
            "\\b(?:latest|last|newest|most recent)\\s+(?:unread\\s+)?(?:e-?mail|mail|message)\\b",
            FLAGS);

    private static final Map<String, Integer> WORDS =
        Map.ofEntries(
            Map.entry("one", 1),
            Map.entry("two", 2),
            Map.entry("three", 3),
            Map.entry("four", 4),
            Map.entry("five", 5),
            Map.entry("six", 6),
            Map.entry("seven", 7),
            Map.entry("eight", 8),
            Map.entry("nine", 9),
            Map.entry("ten", 10),
            Map.entry("eleven", 11),
            Map.entry("twelve", 12),
            Map.entry("fifteen", 15),
            Map.entry("twenty", 20));

    static final List<Rule> RULES =
        List.of(
            Phrases::summarize,
            Phrases::send,
            Phrases::createPage,
            Phrases::readPage,
            line -> firstGroup(SEARCH_NOTION, line).map(SearchNotion::new),
            Phrases::searchMail,
            Phrases::readMail);

    private Phrases() {}

    static String normalize(String text) {
      String line =
          text.replace('\u2018', '\'')
              .replace('\u2019', '\'')
              .replace('\u201C', '"')
              .replace('\u201D', '"')
              .replaceAll("[ \\t\\x0B\\f\\r\\n]+", " ")
              .strip();
      String previous;
      do {
        previous = line;
        line =
            line.replaceFirst(
                    "(?i)^(?:hey|hi|hello|ok|okay|nexus|please|kindly|can you|could you|would you"
                        + "|will you|i want you to|i'd like you to|i would like you to)\\b[\\s,:!]*",
                    "")
                .strip();
      } while (!line.equals(previous));
      return line.replaceFirst("(?i)[\\s,]+please[.!?]*$", "").strip();
    }

    private static Optional<Intent> summarize(String line) {
      Matcher m = SUMMARIZE.matcher(line);
      if (!m.matches()) {
        return Optional.empty();
      }
      String title = clean(m.group(2));
      return Optional.of(
          new SummarizeToNotion(
              count(m.group(1), DEFAULT_COUNT), title.isEmpty() ? "Email summary" : title));
    }

    private static Optional<Intent> send(String line) {
      Matcher m = SEND.matcher(line);
      if (!m.matches()) {
        return Optional.empty();
      }
      List<String> to =
          Pattern.compile(EMAIL).matcher(m.group(1)).results().map(r -> r.group()).toList();
      String rest = m.group(2);
      Matcher body = SEND_REST.matcher(rest);
      if (body.matches() && !clean(body.group(2)).isEmpty()) {
        String subject = body.group(1) != null ? body.group(1) : body.group(3);
        Optional<String> cleanSubject =
            Optional.ofNullable(subject).map(Phrases::clean).filter(s -> !s.isEmpty());
        return Optional.of(new SendMail(to, cleanSubject, unquote(body.group(2).strip())));
      }
      return Optional.of(new SendMailWithoutBody(to));
    }

    private static Optional<Intent> createPage(String line) {
      Matcher m = CREATE_PAGE.matcher(line);
      if (!m.matches()) {
        return Optional.empty();
      }
      String rest = m.group(1).strip();
      String title;
      String content = "";
      if (!rest.isEmpty() && isQuote(rest.charAt(0)) && rest.indexOf(rest.charAt(0), 1) > 0) {
        int close = rest.indexOf(rest.charAt(0), 1);
        title = rest.substring(1, close).strip();
        content = stripContentMarker(rest.substring(close + 1));
      } else {
        Matcher marker = CONTENT_MARKER.matcher(rest);
        if (marker.find()) {
          title = clean(rest.substring(0, marker.start()));
          content = rest.substring(marker.end()).strip();
        } else {
          title = clean(rest);
        }
      }
      if (title.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new CreatePage(title, unquote(content)));
    }

    private static String stripContentMarker(String afterTitle) {
      Matcher marker = CONTENT_MARKER.matcher(afterTitle);
      if (marker.lookingAt()) {
        return afterTitle.substring(marker.end()).strip();
      }
      return afterTitle.replaceFirst("^\\s*[:,-]\\s*", "").strip();
    }

    private static Optional<Intent> readPage(String line) {
      Matcher m = READ_PAGE.matcher(line);
      if (!m.matches()) {
        return Optional.empty();
      }
      String title = clean(m.group(1) != null ? m.group(1) : m.group(2));
      return title.isEmpty() ? Optional.empty() : Optional.of(new ReadPage(title));
    }

    private static Optional<Intent> searchMail(String line) {
      Matcher from = FIND_MAIL_FROM.matcher(line);
      if (from.matches() && !clean(from.group(1)).isEmpty()) {
        return Optional.of(new SearchMail("from:" + clean(from.group(1))));
      }
      return firstGroup(SEARCH_MAIL, line).map(SearchMail::new);
    }

    private static Optional<Intent> readMail(String line) {
      if (!MAIL_WORD.matcher(line).find()) {
        return Optional.empty();
      }
      boolean unread = UNREAD.matcher(line).find();
      if (!unread && !READ_VERB.matcher(line).find()) {
        return Optional.empty();
      }
      Matcher count = COUNT_BEFORE_MAILS.matcher(line);
      String number = count.find() ? count.group(1) : null;
      if (number == null && SINGLE_MAIL.matcher(line).find()) {
        number = "1";
      }
      return Optional.of(
          new ReadLatest(count(number, unread ? DEFAULT_UNREAD_COUNT : DEFAULT_COUNT), unread));
    }

    private static Optional<String> firstGroup(List<Pattern> patterns, String line) {
      for (Pattern pattern : patterns) {
        Matcher m = pattern.matcher(line);
        if (m.matches()) {
          String value = clean(m.group(1));
          if (!value.isEmpty()) {
            return Optional.of(value);
          }
        }
      }
      return Optional.empty();
    }

    private static int count(String number, int fallback) {
      if (number == null) {
        return fallback;
      }
      Integer word = WORDS.get(number.toLowerCase(Locale.ROOT));
      int value = word != null ? word : Integer.parseInt(number);
      return Math.max(1, Math.min(MAX_COUNT, value));
    }

    /** Trims, drops trailing punctuation and one pair of surrounding quotes. */
    static String clean(String value) {
      if (value == null) {
        return "";
      }
      String text = value.strip().replaceFirst("[.!?,;]+$", "").strip();
      return unquote(text).replaceFirst("[.!?,;]+$", "").strip();
    }

    /** Drops one pair of quotes around the whole value, allowing punctuation after the close. */
    private static String unquote(String value) {
      Matcher quoted = QUOTED.matcher(value.strip());
      return quoted.matches() ? quoted.group(2).strip() : value.strip();
    }

    private static boolean isQuote(char c) {
      return c == '\'' || c == '"' || c == '`';
    }
  }
}
