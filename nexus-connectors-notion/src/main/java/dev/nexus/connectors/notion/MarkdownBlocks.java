package dev.nexus.connectors.notion;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.Emphasis;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.OrderedList;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.Text;
import org.commonmark.node.ThematicBreak;
import org.commonmark.parser.Parser;

/**
 * Turns simple Markdown into Notion block objects: paragraphs, headings (levels 4 to 6 become level
 * 3), bulleted and numbered lists with nesting, fenced and indented code, quotes and dividers;
 * bold, italic, inline code and links inside text. Text longer than Notion's 2,000 characters per
 * rich-text object is split across several, and a block never carries more than 100 rich-text
 * objects (longer text continues in further blocks of the same type). Lists nest at most {@value
 * #MAX_NESTING} levels below the top, as one Notion request allows; deeper items are kept at the
 * deepest level.
 */
final class MarkdownBlocks {

  /** Notion's limit on the characters of one rich-text object. */
  static final int MAX_TEXT = 2000;

  /** Notion's limit on rich-text objects per block. */
  static final int MAX_RICH_TEXT = 100;

  /** How many levels of children one request may nest below its top-level blocks. */
  static final int MAX_NESTING = 2;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Parser PARSER = Parser.builder().build();
  private static final Map<String, String> LANGUAGES =
      Map.ofEntries(
          Map.entry("js", "javascript"),
          Map.entry("ts", "typescript"),
          Map.entry("py", "python"),
          Map.entry("sh", "shell"),
          Map.entry("zsh", "shell"),
          Map.entry("yml", "yaml"),
          Map.entry("cpp", "c++"),
          Map.entry("cs", "c#"),
          Map.entry("csharp", "c#"),
          Map.entry("kt", "kotlin"),
          Map.entry("rb", "ruby"),
          Map.entry("md", "markdown"),
          Map.entry("text", "plain text"),
          Map.entry("txt", "plain text"));
  private static final List<String> KNOWN_LANGUAGES =
      List.of(
          "bash",
          "c",
          "c#",
          "c++",
          "css",
          "diff",
          "docker",
          "go",
          "graphql",
          "html",
          "java",
          "javascript",
          "json",
          "kotlin",
          "markdown",
          "php",
          "plain text",
          "python",
          "ruby",
          "rust",
          "scala",
          "shell",
          "sql",
          "swift",
          "typescript",
          "xml",
          "yaml");

  private MarkdownBlocks() {}

  /** The blocks for {@code markdown}, in order; empty for blank text. */
  static List<ObjectNode> toBlocks(String markdown) {
    Node document = PARSER.parse(markdown == null ? "" : markdown);
    List<ObjectNode> blocks = new ArrayList<>();
    for (Node node = document.getFirstChild(); node != null; node = node.getNext()) {
      convert(node, 0, blocks);
    }
    return blocks;
  }

  /** Rich-text objects for plain {@code text}, split at {@value #MAX_TEXT} characters. */
  static ArrayNode plainRichText(String text) {
    ArrayNode rich = NODES.arrayNode();
    addText(rich, text, false, false, false, null);
    return rich;
  }

  /** Counts blocks at every level, children included. */
  static int count(List<ObjectNode> blocks) {
    int total = 0;
    for (ObjectNode block : blocks) {
      total++;
      ArrayNode children = (ArrayNode) block.path(block.path("type").asText()).get("children");
      if (children != null) {
        List<ObjectNode> nested = new ArrayList<>();
        children.forEach(child -> nested.add((ObjectNode) child));
        total += count(nested);
      }
    }
    return total;
  }

  private static void convert(Node node, int depth, List<ObjectNode> out) {
    if (node instanceof Paragraph) {
      addTextBlocks("paragraph", inline(node), out);
    } else if (node instanceof Heading heading) {
      addTextBlocks("heading_" + Math.min(3, heading.getLevel()), inline(node), out);
    } else if (node instanceof BulletList || node instanceof OrderedList) {
      String type = node instanceof BulletList ? "bulleted_list_item" : "numbered_list_item";
      for (Node item = node.getFirstChild(); item != null; item = item.getNext()) {
        if (item instanceof ListItem) {
          listItem(type, item, depth, out);
        }
      }
    } else if (node instanceof FencedCodeBlock fenced) {
      code(fenced.getLiteral(), fenced.getInfo(), out);
    } else if (node instanceof IndentedCodeBlock indented) {
      code(indented.getLiteral(), "", out);
    } else if (node instanceof BlockQuote) {
      ArrayNode rich = NODES.arrayNode();
      for (Node child = node.getFirstChild(); child != null; child = child.getNext()) {
        if (!rich.isEmpty()) {
          addText(rich, "\n", false, false, false, null);
        }
        rich.addAll(inline(child));
      }
      addTextBlocks("quote", rich, out);
    } else if (node instanceof ThematicBreak) {
      ObjectNode block = block("divider");
      block.putObject("divider");
      out.add(block);
    } else if (node instanceof HtmlBlock html) {
      addTextBlocks("paragraph", plainRichText(stripTrailingNewline(html.getLiteral())), out);
    }
  }

  private static void listItem(String type, Node item, int depth, List<ObjectNode> out) {
    Node first = item.getFirstChild();
    ArrayNode rich = first instanceof Paragraph ? inline(first) : NODES.arrayNode();
    List<ObjectNode> itemBlocks = new ArrayList<>();
    addTextBlocks(type, rich, itemBlocks);
    ObjectNode head = itemBlocks.get(0);
    out.addAll(itemBlocks);

    List<ObjectNode> children = new ArrayList<>();
    Node rest = first instanceof Paragraph ? first.getNext() : first;
    for (Node child = rest; child != null; child = child.getNext()) {
      convert(child, depth + 1, children);
    }
    if (children.isEmpty()) {
      return;
    }
    if (depth < MAX_NESTING) {
      ArrayNode array = ((ObjectNode) head.get(type)).putArray("children");
      children.forEach(array::add);
    } else {
      out.addAll(children);
    }
  }

  private static void code(String literal, String info, List<ObjectNode> out) {
    String language = language(info);
    List<ObjectNode> blocks = new ArrayList<>();
    addTextBlocks("code", plainRichText(stripTrailingNewline(literal)), blocks);
    for (ObjectNode block : blocks) {
      ((ObjectNode) block.get("code")).put("language", language);
    }
    out.addAll(blocks);
  }

  private static String language(String info) {
    String word = info == null ? "" : info.trim().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
    String mapped = LANGUAGES.getOrDefault(word, word);
    return KNOWN_LANGUAGES.contains(mapped) ? mapped : "plain text";
  }

  /** Adds one block of {@code type}, or several when the text needs more than 100 objects. */
  private static void addTextBlocks(String type, ArrayNode rich, List<ObjectNode> out) {
    int size = rich.size();
    int from = 0;
    do {
      ObjectNode block = block(type);
      ArrayNode part = block.putObject(type).putArray("rich_text");
      for (int i = from; i < Math.min(size, from + MAX_RICH_TEXT); i++) {
        part.add(rich.get(i));
      }
      out.add(block);
      from += MAX_RICH_TEXT;
    } while (from < size);
  }

  private static ObjectNode block(String type) {
    ObjectNode block = NODES.objectNode();
    block.put("object", "block");
    block.put("type", type);
    return block;
  }

  private static ArrayNode inline(Node parent) {
    ArrayNode rich = NODES.arrayNode();
    appendInline(parent, rich, false, false, null);
    return rich;
  }

  private static void appendInline(
      Node parent, ArrayNode rich, boolean bold, boolean italic, String link) {
    for (Node node = parent.getFirstChild(); node != null; node = node.getNext()) {
      if (node instanceof Text text) {
        addText(rich, text.getLiteral(), bold, italic, false, link);
      } else if (node instanceof Code code) {
        addText(rich, code.getLiteral(), bold, italic, true, link);
      } else if (node instanceof Emphasis) {
        appendInline(node, rich, bold, true, link);
      } else if (node instanceof StrongEmphasis) {
        appendInline(node, rich, true, italic, link);
      } else if (node instanceof Link target) {
        appendInline(node, rich, bold, italic, safeLink(target.getDestination()));
      } else if (node instanceof SoftLineBreak) {
        addText(rich, " ", bold, italic, false, link);
      } else if (node instanceof HardLineBreak) {
        addText(rich, "\n", bold, italic, false, link);
      } else if (node instanceof HtmlInline html) {
        addText(rich, html.getLiteral(), bold, italic, false, link);
      } else {
        appendInline(node, rich, bold, italic, link);
      }
    }
  }

  /** Notion accepts only absolute http(s) links; anything else stays plain text. */
  private static String safeLink(String destination) {
    if (destination == null) {
      return null;
    }
    String lower = destination.toLowerCase(Locale.ROOT);
    return lower.startsWith("https://") || lower.startsWith("http://") ? destination : null;
  }

  private static void addText(
      ArrayNode rich, String text, boolean bold, boolean italic, boolean code, String link) {
    if (text == null || text.isEmpty()) {
      return;
    }
    // Merge with the previous object when it has the same style, so plain prose stays one run.
    if (!rich.isEmpty()) {
      ObjectNode last = (ObjectNode) rich.get(rich.size() - 1);
      if (sameStyle(last, bold, italic, code, link)) {
        ObjectNode lastText = (ObjectNode) last.get("text");
        String joined = lastText.get("content").asText() + text;
        if (joined.length() <= MAX_TEXT) {
          lastText.put("content", joined);
          return;
        }
      }
    }
    int start = 0;
    while (start < text.length()) {
      int end = Math.min(text.length(), start + MAX_TEXT);
      if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
        end--;
      }
      ObjectNode object = rich.addObject();
      object.put("type", "text");
      ObjectNode content = object.putObject("text");
      content.put("content", text.substring(start, end));
      if (link != null) {
        content.putObject("link").put("url", link);
      }
      if (bold || italic || code) {
        ObjectNode annotations = object.putObject("annotations");
        annotations.put("bold", bold);
        annotations.put("italic", italic);
        annotations.put("code", code);
      }
      start = end;
    }
  }

  private static boolean sameStyle(
      ObjectNode last, boolean bold, boolean italic, boolean code, String link) {
    ObjectNode annotations = (ObjectNode) last.get("annotations");
    boolean lastBold = annotations != null && annotations.path("bold").asBoolean();
    boolean lastItalic = annotations != null && annotations.path("italic").asBoolean();
    boolean lastCode = annotations != null && annotations.path("code").asBoolean();
    String lastLink = last.path("text").path("link").path("url").asText(null);
    return lastBold == bold
        && lastItalic == italic
        && lastCode == code
        && java.util.Objects.equals(lastLink, link);
  }

  private static String stripTrailingNewline(String text) {
    return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
  }
}
