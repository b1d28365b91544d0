package dev.nexus.core.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;

/**
 * The hash chain every audit log adapter uses. Each record's hash is SHA-256 over the previous
 * hash, the sequence number and an unambiguous encoding of the event, so adapters agree and a
 * verifier needs only the records.
 */
public final class AuditChain {

  /** The previous hash of an organization's first record. */
  public static final String GENESIS = "0".repeat(64);

  private AuditChain() {}

  /** The hash of the record {@code sequence} holding {@code event} after {@code previousHash}. */
  public static String hash(String previousHash, long sequence, AuditEvent event) {
    StringBuilder text = new StringBuilder(256);
    field(text, previousHash);
    field(text, Long.toString(sequence));
    field(text, event.organization().value());
    field(text, event.at().toString());
    field(text, event.actor() == null ? "" : event.actor().value());
    field(text, event.action().name());
    field(text, event.target());
    for (Map.Entry<String, String> detail : event.details().entrySet()) {
      field(text, detail.getKey());
      field(text, detail.getValue());
    }
    return HexFormat.of()
        .formatHex(sha256().digest(text.toString().getBytes(StandardCharsets.UTF_8)));
  }

  /** The record that follows {@code previous} (null for the first) with {@code event}. */
  public static AuditRecord next(AuditRecord previous, AuditEvent event) {
    long sequence = previous == null ? 1 : previous.sequence() + 1;
    String previousHash = previous == null ? GENESIS : previous.hash();
    return new AuditRecord(sequence, event, previousHash, hash(previousHash, sequence, event));
  }

  /**
   * Verifies one organization's records, given oldest first and complete. A gap in the sequence, a
   * record whose previous hash is not its predecessor's hash, or a hash that does not match its
   * content breaks the chain.
   */
  public static ChainVerification verify(Iterator<AuditRecord> records) {
    String expectedPrevious = GENESIS;
    long expectedSequence = 1;
    long checked = 0;
    while (records.hasNext()) {
      AuditRecord record = records.next();
      if (record.sequence() != expectedSequence) {
        return ChainVerification.broken(
            checked, expectedSequence, "record " + expectedSequence + " is missing");
      }
      if (!record.previousHash().equals(expectedPrevious)) {
        return ChainVerification.broken(
            checked, record.sequence(), "record does not follow its predecessor");
      }
      if (!record.hash().equals(hash(record.previousHash(), record.sequence(), record.event()))) {
        return ChainVerification.broken(
            checked, record.sequence(), "record content does not match its hash");
      }
      checked++;
      expectedSequence++;
      expectedPrevious = record.hash();
    }
    return ChainVerification.intact(checked);
  }

  private static void field(StringBuilder text, String value) {
    text.append(value.length()).append(':').append(value).append(';');
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
