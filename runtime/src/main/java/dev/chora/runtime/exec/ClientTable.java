package dev.chora.runtime.exec;

import dev.chora.runtime.message.Request;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Session id → the last executed seq and its reply: what makes execution exactly-once. It is part
 * of the replicated state (every replica updates it in the same order), so the ids it assigns and
 * its eviction are deterministic: when full, the session whose last request executed longest ago
 * is forgotten (an opened session that never executed a request is as old as its opening).
 *
 * <p>Sessions are opened through the log and their ids assigned here, from a counter that is part
 * of the replicated state, so an id is never handed out twice. A request of a session the table
 * does not know is {@link Verdict#UNKNOWN_SESSION}: never opened, or forgotten. It is refused,
 * not executed: a forgotten session's late retry must not execute again, and the table cannot tell
 * it from a new request. A late duplicate of an opening opens a session nobody uses, which ages
 * out like any other.
 */
public final class ClientTable {
  private static final byte[] NO_REPLY = new byte[0];
  private final int capacity;
  private final LinkedHashMap<Long, Entry> entries = new LinkedHashMap<>();
  /** The id the next opened session gets; replicated state, in snapshots. */
  private long nextSessionId = 1;
  /** A typical reply's size, for sizing snapshot buffers; not part of the replicated state. */
  private int lastReplyBytes;

  public ClientTable(int capacity) {
    this.capacity = capacity;
  }

  /** What a request's seq means for its session. */
  public enum Verdict {
    /** Not seen before: execute it. */
    NEW,
    /** The session's last executed request, retried: answer with the stored reply. */
    RETRY_OF_LAST,
    /** Older than the session's last executed request: the client has moved on; ignore it. */
    STALE,
    /** No such session (never opened, or forgotten): refuse it, do not execute it. */
    UNKNOWN_SESSION
  }

  public Verdict classify(long clientId, long seq) {
    Entry e = entries.get(clientId);
    if (e == null) {
      return Verdict.UNKNOWN_SESSION;
    }
    if (seq > e.seq) {
      return Verdict.NEW;
    }
    return seq == e.seq ? Verdict.RETRY_OF_LAST : Verdict.STALE;
  }

  /** Opens a session: assigns its id and remembers it as just executed (at seq 0, no reply). */
  public long open() {
    long id = nextSessionId++;
    record(id, Request.OPEN_SESSION_SEQ, NO_REPLY);
    return id;
  }

  public byte[] storedReply(long clientId) {
    Entry e = entries.get(clientId);
    return e == null ? null : e.reply;
  }

  public void record(long clientId, long seq, byte[] reply) {
    lastReplyBytes = reply.length;
    entries.remove(clientId); // re-insert so iteration order is least-recently-executed first
    entries.put(clientId, new Entry(seq, reply));
    evictBeyondCapacity();
  }

  private void evictBeyondCapacity() {
    Iterator<Map.Entry<Long, Entry>> oldest = entries.entrySet().iterator();
    while (entries.size() > capacity) {
      oldest.next();
      oldest.remove();
    }
  }

  public int size() {
    return entries.size();
  }

  /** About what {@link #writeTo} writes (exactly, while the stored replies keep their size). */
  int estimatedBytes() {
    return 12 + entries.size() * (20 + lastReplyBytes);
  }

  /**
   * Writes the id counter, then every entry, least recently executed first, so that a restore
   * keeps the eviction order.
   */
  void writeTo(java.io.DataOutputStream out) throws java.io.IOException {
    out.writeLong(nextSessionId);
    out.writeInt(entries.size());
    for (Map.Entry<Long, Entry> e : entries.entrySet()) {
      out.writeLong(e.getKey());
      out.writeLong(e.getValue().seq);
      out.writeInt(e.getValue().reply.length);
      out.write(e.getValue().reply);
    }
  }

  /**
   * Reads what {@link #writeTo} wrote. A table written with a larger max-clients keeps only its
   * most recently executed sessions: the table stays within its bound (every replica must have the
   * same max-clients for their tables to agree).
   */
  void readFrom(java.io.DataInputStream in) throws java.io.IOException {
    entries.clear();
    nextSessionId = in.readLong();
    int n = in.readInt();
    if (n < 0 || nextSessionId < 1) {
      throw new java.io.IOException("a client table of " + n + " sessions, next id " + nextSessionId);
    }
    for (int i = 0; i < n; i++) {
      long clientId = in.readLong();
      long seq = in.readLong();
      int length = in.readInt();
      if (length < 0 || length > in.available()) {
        throw new java.io.IOException("a stored reply of " + length + " bytes, " + in.available() + " left");
      }
      byte[] reply = new byte[length];
      in.readFully(reply);
      entries.put(clientId, new Entry(seq, reply));
      evictBeyondCapacity();
    }
  }

  private record Entry(long seq, byte[] reply) {}
}
