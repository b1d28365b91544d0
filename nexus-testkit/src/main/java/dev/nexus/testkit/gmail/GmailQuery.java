package dev.nexus.testkit.gmail;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The part of Gmail's search syntax the fake understands: {@code from:}, {@code to:}, {@code cc:},
 * {@code subject:}, {@code label:}, {@code in:} (inbox, sent, drafts, trash, spam, anywhere),
 * {@code is:} (unread, read, starred, important), {@code has:attachment}, {@code filename:}, quoted
 * phrases, bare words (matched against sender, recipients, subject and text) and {@code -} to
 * negate a term. Terms are joined with AND; other operators are matched as words.
 */
final class GmailQuery {

  private final List<Predicate<StoredMessage>> terms;
  private final boolean includesSpamTrash;

  private GmailQuery(List<Predicate<StoredMessage>> terms, boolean includesSpamTrash) {
    this.terms = terms;
    this.includesSpamTrash = includesSpamTrash;
  }

  static GmailQuery parse(String query, Map<String, String> labelNames) {
    List<Predicate<StoredMessage>> terms = new ArrayList<>();
    boolean spamTrash = false;
    for (String token : tokens(query == null ? "" : query)) {
      boolean negated = token.startsWith("-") && token.length() > 1;
      String term = negated ? token.substring(1) : token;
      int colon = term.indexOf(':');
      String operator = colon > 0 ? term.substring(0, colon).toLowerCase(Locale.ROOT) : "";
      String value = unquote(colon > 0 ? term.substring(colon + 1) : term).toLowerCase(Locale.ROOT);
      Predicate<StoredMessage> predicate;
      switch (operator) {
        case "from" -> predicate = m -> lower(m.header("From")).contains(value);
        case "to" -> predicate = m -> lower(m.header("To")).contains(value);
        case "cc" -> predicate = m -> lower(m.header("Cc")).contains(value);
        case "subject" -> predicate = m -> lower(m.header("Subject")).contains(value);
        case "label" -> predicate = m -> hasLabelNamed(m, value, labelNames);
        case "in" -> {
          if (value.equals("anywhere") || value.equals("trash") || value.equals("spam")) {
            spamTrash = true;
          }
          predicate =
              value.equals("anywhere")
                  ? m -> true
                  : m -> hasLabelNamed(m, value.equals("drafts") ? "draft" : value, labelNames);
        }
        case "is" ->
            predicate =
                switch (value) {
                  case "unread" -> m -> m.hasLabel("UNREAD");
                  case "read" -> m -> !m.hasLabel("UNREAD");
                  case "starred" -> m -> m.hasLabel("STARRED");
                  case "important" -> m -> m.hasLabel("IMPORTANT");
                  default -> m -> false;
                };
        case "has" ->
            predicate =
                value.equals("attachment") ? m -> !m.attachmentNames().isEmpty() : m -> false;
        case "filename" ->
            predicate = m -> m.attachmentNames().stream().anyMatch(n -> lower(n).contains(value));
        default -> {
          String word = unquote(term).toLowerCase(Locale.ROOT);
          predicate =
              m ->
                  lower(m.header("From")).contains(word)
                      || lower(m.header("To")).contains(word)
                      || lower(m.header("Subject")).contains(word)
                      || lower(m.text()).contains(word);
        }
      }
      terms.add(negated ? predicate.negate() : predicate);
    }
    return new GmailQuery(terms, spamTrash);
  }

  boolean includesSpamTrash() {
    return includesSpamTrash;
  }

  boolean matches(StoredMessage message) {
    return terms.stream().allMatch(t -> t.test(message));
  }

  private static boolean hasLabelNamed(StoredMessage m, String name, Map<String, String> names) {
    for (String label : m.labels()) {
      String display = names.getOrDefault(label, label);
      if (lower(display).equals(name)
          || lower(display).replace(' ', '-').equals(name)
          || lower(label).equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static List<String> tokens(String query) {
    List<String> tokens = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (char c : query.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
        current.append(c);
      } else if (Character.isWhitespace(c) && !quoted) {
        if (current.length() > 0) {
          tokens.add(current.toString());
          current.setLength(0);
        }
      } else {
        current.append(c);
      }
    }
    if (current.length() > 0) {
      tokens.add(current.toString());
    }
    return tokens;
  }

  private static String unquote(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1)
        : value;
  }

  private static String lower(String value) {
    return value.toLowerCase(Locale.ROOT);
  }
}
