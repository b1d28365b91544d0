package dev.nexus.connectors.gmail;

import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeVisitor;

/**
 * Turns an HTML mail body into plain text with jsoup: scripts, styles and comments dropped, block
 * elements on their own lines, list items as {@code - } lines, and a link's address kept after its
 * text when it differs. No markup survives.
 */
final class HtmlText {

  private static final Set<String> BLOCKS =
      Set.of(
          "p",
          "div",
          "section",
          "article",
          "header",
          "footer",
          "h1",
          "h2",
          "h3",
          "h4",
          "h5",
          "h6",
          "ul",
          "ol",
          "li",
          "table",
          "tr",
          "blockquote",
          "pre",
          "hr",
          "address",
          "dl",
          "dt",
          "dd",
          "form",
          "fieldset",
          "main",
          "nav",
          "aside",
          "figure");

  private HtmlText() {}

  static String toText(String html) {
    Document document = Jsoup.parse(html);
    document.select("script, style, head, template, noscript").remove();
    StringBuilder out = new StringBuilder();
    document
        .body()
        .traverse(
            new NodeVisitor() {
              @Override
              public void head(Node node, int depth) {
                if (node instanceof TextNode text) {
                  String value = text.text();
                  if (!value.isBlank() || (out.length() > 0 && !endsWithSpace(out))) {
                    out.append(value.isBlank() ? " " : value);
                  }
                } else if (node instanceof Element element) {
                  String tag = element.normalName();
                  if (tag.equals("br")) {
                    out.append('\n');
                  } else if (BLOCKS.contains(tag)) {
                    newline(out);
                    if (tag.equals("li")) {
                      out.append("- ");
                    }
                  } else if (tag.equals("td") || tag.equals("th")) {
                    if (out.length() > 0 && !endsWithSpace(out)) {
                      out.append(' ');
                    }
                  }
                }
              }

              @Override
              public void tail(Node node, int depth) {
                if (node instanceof Element element) {
                  String tag = element.normalName();
                  if (BLOCKS.contains(tag)) {
                    newline(out);
                  } else if (tag.equals("a")) {
                    String href = element.attr("href");
                    if ((href.startsWith("http://") || href.startsWith("https://"))
                        && !element.text().trim().equals(href)) {
                      out.append(" <").append(href).append('>');
                    }
                  }
                }
              }
            });
    return tidy(out.toString());
  }

  private static boolean endsWithSpace(StringBuilder out) {
    return Character.isWhitespace(out.charAt(out.length() - 1));
  }

  private static void newline(StringBuilder out) {
    if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
      out.append('\n');
    }
  }

  /** Trims each line and keeps at most one empty line in a row. */
  private static String tidy(String text) {
    StringBuilder out = new StringBuilder();
    int blank = 0;
    for (String line : text.split("\n", -1)) {
      String trimmed = line.strip().replaceAll("[ \\t\\u00a0]+", " ");
      if (trimmed.isEmpty()) {
        blank++;
        continue;
      }
      if (out.length() > 0) {
        out.append(blank > 0 ? "\n\n" : "\n");
      }
      blank = 0;
      out.append(trimmed);
    }
    return out.toString();
  }
}
