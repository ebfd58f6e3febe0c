package dev.chora.runtime.exec;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * clientId → the last executed seq and its reply: what makes execution exactly-once. It is part of
 * the replicated state (every replica updates it in the same order), so its eviction is
 * deterministic: when full, the client whose last request executed longest ago is forgotten.
 * Size max-clients above the number of clients that can be active at once; a forgotten client's
 * late retry would execute again.
 */
public final class ClientTable {
  private final int capacity;
  private final LinkedHashMap<Long, Entry> entries = new LinkedHashMap<>();
  /** A typical reply's size, for sizing snapshot buffers; not part of the replicated state. */
  private int lastReplyBytes;

  public ClientTable(int capacity) {
    this.capacity = capacity;
  }

  /** What a request's seq means for its client. */
  public enum Verdict {
    /** Not seen before: execute it. */
    NEW,
    /** The client's last executed request, retried: answer with the stored reply. */
    RETRY_OF_LAST,
    /** Older than the client's last executed request: the client has moved on; ignore it. */
    STALE
  }

  public Verdict classify(long clientId, long seq) {
    Entry e = entries.get(clientId);
    if (e == null || seq > e.seq) {
      return Verdict.NEW;
    }
    return seq == e.seq ? Verdict.RETRY_OF_LAST : Verdict.STALE;
  }

  public byte[] storedReply(long clientId) {
    Entry e = entries.get(clientId);
    return e == null ? null : e.reply;
  }

  public void record(long clientId, long seq, byte[] reply) {
    lastReplyBytes = reply.length;
    entries.remove(clientId); // re-insert so iteration order is least-recently-executed first
    entries.put(clientId, new Entry(seq, reply));
    if (entries.size() > capacity) {
      Iterator<Map.Entry<Long, Entry>> oldest = entries.entrySet().iterator();
      oldest.next();
      oldest.remove();
    }
  }

  public int size() {
    return entries.size();
  }

  /** About what {@link #writeTo} writes (exactly, while the stored replies keep their size). */
  int estimatedBytes() {
    return 4 + entries.size() * (20 + lastReplyBytes);
  }

  /** Writes every entry, least recently executed first, so that a restore keeps the eviction order. */
  void writeTo(java.io.DataOutputStream out) throws java.io.IOException {
    out.writeInt(entries.size());
    for (Map.Entry<Long, Entry> e : entries.entrySet()) {
      out.writeLong(e.getKey());
      out.writeLong(e.getValue().seq);
      out.writeInt(e.getValue().reply.length);
      out.write(e.getValue().reply);
    }
  }

  void readFrom(java.io.DataInputStream in) throws java.io.IOException {
    entries.clear();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      long clientId = in.readLong();
      long seq = in.readLong();
      byte[] reply = new byte[in.readInt()];
      in.readFully(reply);
      entries.put(clientId, new Entry(seq, reply));
    }
  }

  private record Entry(long seq, byte[] reply) {}
}
