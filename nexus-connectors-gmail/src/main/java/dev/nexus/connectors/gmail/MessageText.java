package dev.nexus.connectors.gmail;

import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.MessagePart;
import com.google.api.services.gmail.model.MessagePartHeader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jsoup.parser.Parser;

/**
 * Reads what the model needs out of Gmail's message resources: single-line header values, the plain
 * text body (or the HTML body as text), the attachments' names, types and sizes, and caps long text
 * with a note.
 */
final class MessageText {

  /** One attachment as listed to the model. */
  record Attachment(String name, String mimeType, long size) {}

  private MessageText() {}

  /** The first header with this name, made single-line, or empty text. */
  static String header(Message message, String name) {
    return header(message.getPayload(), name);
  }

  static String header(MessagePart part, String name) {
    if (part == null || part.getHeaders() == null) {
      return "";
    }
    for (MessagePartHeader header : part.getHeaders()) {
      if (name.equalsIgnoreCase(header.getName())) {
        return oneLine(header.getValue());
      }
    }
    return "";
  }

  /** The Date header, or Gmail's internal date when there is none. */
  static String date(Message message) {
    String date = header(message, "Date");
    if (!date.isEmpty() || message.getInternalDate() == null) {
      return date;
    }
    return Instant.ofEpochMilli(message.getInternalDate()).toString();
  }

  /** Gmail's snippet without its HTML entities. */
  static String snippet(Message message) {
    return message.getSnippet() == null
        ? ""
        : oneLine(Parser.unescapeEntities(message.getSnippet(), false));
  }

  /** The plain text body, else the HTML body as text, else empty. */
  static Optional<String> body(MessagePart payload) {
    Optional<String> plain = firstText(payload, "text/plain");
    if (plain.isPresent()) {
      return plain;
    }
    return firstText(payload, "text/html").map(HtmlText::toText);
  }

  /** The parts that carry a file name, in order. */
  static List<Attachment> attachments(MessagePart payload) {
    List<Attachment> found = new ArrayList<>();
    collectAttachments(payload, found);
    return found;
  }

  /**
   * {@code text} cut to {@code max} characters (not splitting a surrogate pair), with a note on how
   * much was left out.
   */
  static String cap(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
    return text.substring(0, end)
        + "\n[body cut at "
        + end
        + " of "
        + text.length()
        + " characters; open the message in Gmail to read the rest]";
  }

  /** A header value on one line: line breaks and other control characters become spaces. */
  static String oneLine(String value) {
    if (value == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      out.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c);
    }
    return out.toString().strip();
  }

  private static Optional<String> firstText(MessagePart part, String mimeType) {
    if (part == null) {
      return Optional.empty();
    }
    String type = part.getMimeType() == null ? "" : part.getMimeType().toLowerCase(Locale.ROOT);
    boolean attachment = part.getFilename() != null && !part.getFilename().isEmpty();
    if (type.equals(mimeType) && !attachment && part.getBody() != null) {
      byte[] data = part.getBody().decodeData();
      if (data != null) {
        return Optional.of(new String(data, charset(part)));
      }
    }
    if (part.getParts() != null) {
      for (MessagePart child : part.getParts()) {
        Optional<String> text = firstText(child, mimeType);
        if (text.isPresent()) {
          return text;
        }
      }
    }
    return Optional.empty();
  }

  private static void collectAttachments(MessagePart part, List<Attachment> found) {
    if (part == null) {
      return;
    }
    if (part.getFilename() != null && !part.getFilename().isEmpty()) {
      long size =
          part.getBody() == null || part.getBody().getSize() == null ? 0 : part.getBody().getSize();
      found.add(
          new Attachment(
              oneLine(part.getFilename()),
              part.getMimeType() == null ? "application/octet-stream" : part.getMimeType(),
              size));
    }
    if (part.getParts() != null) {
      part.getParts().forEach(child -> collectAttachments(child, found));
    }
  }

  private static Charset charset(MessagePart part) {
    String contentType = header(part, "Content-Type");
    for (String parameter : contentType.split(";")) {
      String[] pair = parameter.trim().split("=", 2);
      if (pair.length == 2 && pair[0].trim().equalsIgnoreCase("charset")) {
        try {
          return Charset.forName(pair[1].trim().replace("\"", ""));
        } catch (IllegalArgumentException unknown) {
          return StandardCharsets.UTF_8;
        }
      }
    }
    return StandardCharsets.UTF_8;
  }

  /** A size as people read it: bytes, KB or MB. */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
  }
}
