package dev.nexus.testkit.gmail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/**
 * One message in a {@link Mailbox}: its raw RFC 5322 bytes as sent or delivered, its id, thread and
 * labels, and the views Gmail's API gives of it (full, metadata, minimal, raw), built by parsing
 * the bytes with Jakarta Mail. Labels change; everything else is fixed, so the bytes are parsed
 * once (and the full payload built once, on first use) instead of on every request. Thread-safe.
 */
public final class StoredMessage {

  private static final Session SESSION = Session.getInstance(new Properties());
  private static final Base64.Encoder URL = Base64.getUrlEncoder();

  private final String id;
  private final String threadId;
  private final byte[] raw;
  private final Instant internalDate;
  private final Set<String> labels = Collections.synchronizedSet(new LinkedHashSet<>());
  private final String text;
  private final String messageIdHeader;
  private final String snippet;
  private final String baseType;

  /** The top-level headers in order, values decoded. */
  private final List<HeaderLine> headers;

  private final List<String> attachmentNames;
  private volatile ObjectNode fullPayload;

  StoredMessage(String id, String threadId, byte[] raw, Instant internalDate, Set<String> labels) {
    this.id = id;
    this.threadId = threadId;
    this.raw = raw.clone();
    this.internalDate = internalDate;
    this.labels.addAll(labels);
    MimeMessage mime = mime();
    this.text = textOf(mime);
    this.messageIdHeader = headerOf(mime, "Message-ID");
    this.snippet = snippetOf(text);
    this.baseType = baseType(mime);
    this.headers = List.copyOf(headersOf(mime));
    List<String> names = new ArrayList<>();
    collectNames(mime, names);
    this.attachmentNames = List.copyOf(names);
  }

  public String id() {
    return id;
  }

  public String threadId() {
    return threadId;
  }

  /**
   * The message exactly as stored (for a send: as the client sent it, plus From and Message-ID).
   */
  public byte[] raw() {
    return raw.clone();
  }

  /** A fresh parse of the raw message, which the caller may change. */
  public MimeMessage mime() {
    try {
      return new MimeMessage(SESSION, new ByteArrayInputStream(raw));
    } catch (MessagingException e) {
      throw new IllegalStateException("a stored message no longer parses", e);
    }
  }

  public Instant internalDate() {
    return internalDate;
  }

  /** A snapshot of the label ids. */
  public Set<String> labels() {
    synchronized (labels) {
      return Set.copyOf(labels);
    }
  }

  public boolean hasLabel(String label) {
    return labels.contains(label);
  }

  void addLabel(String label) {
    labels.add(label);
  }

  void removeLabel(String label) {
    labels.remove(label);
  }

  /** The decoded value of the first header with this name, or empty text. */
  public String header(String name) {
    for (HeaderLine header : headers) {
      if (header.name().equalsIgnoreCase(name)) {
        return header.value();
      }
    }
    return "";
  }

  /** The text the search and the snippet see: the plain part, else the HTML part without tags. */
  public String text() {
    return text;
  }

  String messageIdHeader() {
    return messageIdHeader;
  }

  /** Gmail's snippet: about 200 characters of text, HTML-escaped as Gmail does. */
  String snippet() {
    return snippet;
  }

  private static String snippetOf(String text) {
    String collapsed = text.replaceAll("\\s+", " ").strip();
    String cut = collapsed.length() > 200 ? collapsed.substring(0, 200) : collapsed;
    return cut.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }

  /** The Gmail API resource in {@code format} (full, metadata, minimal or raw). */
  ObjectNode toJson(ObjectMapper json, String format, List<String> metadataHeaders) {
    ObjectNode node = json.createObjectNode();
    node.put("id", id);
    node.put("threadId", threadId);
    ArrayNode labelIds = node.putArray("labelIds");
    labels().forEach(labelIds::add);
    node.put("snippet", snippet());
    node.put("historyId", Long.toString(1000 + internalDate.getEpochSecond() % 100000));
    node.put("internalDate", Long.toString(internalDate.toEpochMilli()));
    node.put("sizeEstimate", raw.length);
    switch (format) {
      case "raw" -> node.put("raw", URL.encodeToString(raw));
      case "minimal" -> {}
      case "metadata" -> {
        ObjectNode payload = node.putObject("payload");
        payload.put("partId", "");
        payload.put("mimeType", baseType);
        payload.put("filename", "");
        ArrayNode list = payload.putArray("headers");
        for (HeaderLine header : headers) {
          if (metadataHeaders.isEmpty()
              || metadataHeaders.stream().anyMatch(h -> h.equalsIgnoreCase(header.name()))) {
            list.addObject().put("name", header.name()).put("value", header.value());
          }
        }
      }
      default -> node.set("payload", fullPayload(json).deepCopy());
    }
    return node;
  }

  private ObjectNode fullPayload(ObjectMapper json) {
    ObjectNode payload = fullPayload;
    if (payload == null) {
      payload = part(json, mime(), "");
      fullPayload = payload;
    }
    return payload;
  }

  private static ObjectNode part(ObjectMapper json, Part part, String partId) {
    ObjectNode node = json.createObjectNode();
    node.put("partId", partId);
    node.put("mimeType", baseType(part));
    String filename = fileName(part);
    node.put("filename", filename);
    putHeaders(node, part);
    ObjectNode body = node.putObject("body");
    try {
      if (part.isMimeType("multipart/*")) {
        body.put("size", 0);
        Multipart multipart = (Multipart) part.getContent();
        ArrayNode parts = node.putArray("parts");
        for (int i = 0; i < multipart.getCount(); i++) {
          String childId = partId.isEmpty() ? Integer.toString(i) : partId + "." + i;
          parts.add(part(json, multipart.getBodyPart(i), childId));
        }
        return node;
      }
      byte[] content;
      try (InputStream in = part.getInputStream()) {
        content = in.readAllBytes();
      }
      body.put("size", content.length);
      if (!filename.isEmpty()) {
        body.put(
            "attachmentId", "ANGjdJ" + Integer.toHexString(partId.hashCode()) + content.length);
      } else {
        body.put("data", URL.encodeToString(content));
      }
    } catch (MessagingException | IOException e) {
      throw new IllegalStateException("a stored message part no longer parses", e);
    }
    return node;
  }

  private static void putHeaders(ObjectNode node, Part part) {
    ArrayNode list = node.putArray("headers");
    for (HeaderLine header : headersOf(part)) {
      list.addObject().put("name", header.name()).put("value", header.value());
    }
  }

  /** One header as Gmail shows it: the name as written, the value unfolded and decoded. */
  private record HeaderLine(String name, String value) {}

  private static List<HeaderLine> headersOf(Part part) {
    List<HeaderLine> found = new ArrayList<>();
    try {
      Enumeration<Header> all = part.getAllHeaders();
      while (all.hasMoreElements()) {
        Header header = all.nextElement();
        found.add(new HeaderLine(header.getName(), decode(header.getValue())));
      }
    } catch (MessagingException e) {
      throw new IllegalStateException("a stored message's headers no longer parse", e);
    }
    return found;
  }

  private static String decode(String value) {
    String unfolded = MimeUtility.unfold(value == null ? "" : value);
    try {
      return MimeUtility.decodeText(unfolded);
    } catch (IOException e) {
      return unfolded;
    }
  }

  private static String headerOf(MimeMessage mime, String name) {
    try {
      String[] values = mime.getHeader(name);
      return values == null || values.length == 0 ? "" : decode(values[0]);
    } catch (MessagingException e) {
      return "";
    }
  }

  private static String baseType(Part part) {
    try {
      return new ContentType(part.getContentType()).getBaseType().toLowerCase(Locale.ROOT);
    } catch (MessagingException e) {
      return "text/plain";
    }
  }

  private static String fileName(Part part) {
    try {
      String name = part.getFileName();
      return name == null ? "" : MimeUtility.decodeText(name);
    } catch (MessagingException | IOException e) {
      return "";
    }
  }

  private static String textOf(Part message) {
    String plain = firstText(message, "text/plain");
    if (plain != null) {
      return plain;
    }
    String html = firstText(message, "text/html");
    if (html == null) {
      return "";
    }
    return html.replaceAll("(?is)<(style|script|head)[^>]*>.*?</\\1>", " ")
        .replaceAll("<[^>]+>", " ")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
  }

  private static String firstText(Part part, String type) {
    try {
      if (part.isMimeType("multipart/*")) {
        Multipart multipart = (Multipart) part.getContent();
        for (int i = 0; i < multipart.getCount(); i++) {
          String found = firstText(multipart.getBodyPart(i), type);
          if (found != null) {
            return found;
          }
        }
        return null;
      }
      if (part.isMimeType(type) && fileName(part).isEmpty()) {
        try (InputStream in = part.getInputStream()) {
          return new String(in.readAllBytes(), charset(part));
        }
      }
      return null;
    } catch (MessagingException | IOException e) {
      return null;
    }
  }

  private static Charset charset(Part part) throws MessagingException {
    String name = new ContentType(part.getContentType()).getParameter("charset");
    try {
      return name == null ? StandardCharsets.US_ASCII : Charset.forName(name);
    } catch (IllegalArgumentException e) {
      return StandardCharsets.UTF_8;
    }
  }

  /** Attachment file names, in order. */
  public List<String> attachmentNames() {
    return attachmentNames;
  }

  private static void collectNames(Part part, List<String> names) {
    try {
      if (part.isMimeType("multipart/*")) {
        Multipart multipart = (Multipart) part.getContent();
        for (int i = 0; i < multipart.getCount(); i++) {
          collectNames(multipart.getBodyPart(i), names);
        }
      } else if (!fileName(part).isEmpty()) {
        names.add(fileName(part));
      }
    } catch (MessagingException | IOException e) {
      // An unreadable part has no name to list.
    }
  }

  @Override
  public String toString() {
    return "StoredMessage[" + id + ", thread " + threadId + ", " + labels() + "]";
  }
}
