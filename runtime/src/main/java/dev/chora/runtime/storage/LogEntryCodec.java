package dev.chora.runtime.storage;

import dev.chora.runtime.core.LogEntry;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.message.RoundSlots;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The core's {@link LogEntry log entries} as {@link SegmentedLog} records, and the view state as the
 * {@link MetadataStore}'s value. The record's type byte says the kind (one tag per kind and format:
 * a changed format gets a new tag, so old data is never misread); all integers are big-endian and
 * fixed-width, so a record's size is known from its content (formats in {@code docs/storage.md}).
 *
 * <p>Decoding trusts nothing: a record's checksum only says the bytes are those written, not that
 * this version wrote them. Every length and count is checked against the bytes that remain before
 * anything is allocated, and a short, long or malformed payload is a {@link
 * CorruptStorageException} naming where it was found and what is wrong, never an unchecked
 * exception or an allocation larger than the payload.
 */
public final class LogEntryCodec {
  /** {@link LogEntry.Slot}. */
  public static final int SLOT = 1;
  /** {@link LogEntry.Round}. */
  public static final int ROUND = 2;
  /** {@link LogEntry.ClearAbove}. */
  public static final int CLEAR_ABOVE = 3;
  /** {@link LogEntry.ViewRecord}. */
  public static final int VIEW = 4;

  /** The view state's format version, its first byte. */
  public static final int VIEW_STATE_VERSION = 1;
  /** Bytes of an encoded view record. */
  static final int VIEW_BYTES = 8 + 8 + 8 + 4 + 8;
  /** Bytes of the encoded view state: version, entry number, view record. */
  public static final int VIEW_STATE_BYTES = 1 + 8 + VIEW_BYTES;
  /** The most proposers a round can have: the proposer set is an int bit mask. */
  public static final int MAX_REPLICAS = 32;

  private static final int REQUEST_HEADER_BYTES = 8 + 8 + 4;

  /** A view record with the entry number it was persisted under: what the metadata store keeps. */
  public record ViewState(long seq, LogEntry.ViewRecord view) {}

  private LogEntryCodec() {}

  /**
   * The largest record a round of {@code replicas} slots of batches of at most {@code
   * maxBatchBytes} (as {@link Batch#sizeBytes} counts them) encodes to: a bound for the log's
   * max-record-bytes. A request's 16 counted header bytes take 20 here (its command's length too).
   */
  public static long maxRoundRecordBytes(int replicas, int maxBatchBytes) {
    long batch = 4 + (long) maxBatchBytes * REQUEST_HEADER_BYTES / Request.HEADER_BYTES;
    return 8 + 4 + 8 + 1 + (long) replicas * (1 + batch);
  }

  /** The record type of {@code entry}'s kind. */
  public static int type(LogEntry entry) {
    if (entry instanceof LogEntry.Slot) {
      return SLOT;
    } else if (entry instanceof LogEntry.Round) {
      return ROUND;
    } else if (entry instanceof LogEntry.ClearAbove) {
      return CLEAR_ABOVE;
    } else if (entry instanceof LogEntry.ViewRecord) {
      return VIEW;
    }
    throw new IllegalArgumentException("unknown log entry " + entry);
  }

  /** The record payload of {@code entry}; its type is {@link #type}. */
  public static byte[] encode(LogEntry entry) {
    Out out = new Out();
    if (entry instanceof LogEntry.Slot s) {
      checkProposer(s.proposer());
      out.putLong(s.round());
      out.put(s.proposer());
      out.putInt(s.proposers());
      out.putLong(s.tag());
      putBatch(out, s.batch());
    } else if (entry instanceof LogEntry.Round r) {
      RoundSlots rs = r.slots();
      if (rs.slots().length > MAX_REPLICAS) {
        throw new IllegalArgumentException("round " + rs.round() + " has " + rs.slots().length + " slots, above " + MAX_REPLICAS);
      }
      out.putLong(rs.round());
      out.putInt(rs.proposers());
      out.putLong(rs.tag());
      out.put(rs.slots().length);
      for (Batch b : rs.slots()) {
        out.put(b == null ? 0 : 1);
        if (b != null) {
          putBatch(out, b);
        }
      }
    } else if (entry instanceof LogEntry.ClearAbove c) {
      out.putLong(c.round());
    } else if (entry instanceof LogEntry.ViewRecord v) {
      putView(out, v);
    } else {
      throw new IllegalArgumentException("unknown log entry " + entry);
    }
    return out.toByteArray();
  }

  /**
   * The entry in a record.
   *
   * @param where where the record was found, for the error ("/d/log-….seg, record 17")
   * @throws CorruptStorageException if the type is unknown or the payload is not exactly one entry
   */
  public static LogEntry decode(int type, byte[] payload, String where) throws CorruptStorageException {
    In in = new In(payload, where, kindName(type));
    LogEntry entry;
    switch (type) {
      case SLOT: {
        long round = in.getRound();
        int proposer = in.get();
        if (proposer >= MAX_REPLICAS) {
          throw in.corrupt(1, "proposer " + proposer + " is not below " + MAX_REPLICAS);
        }
        int proposers = in.getInt();
        long tag = in.getLong();
        entry = new LogEntry.Slot(round, proposer, proposers, tag, getBatch(in));
        break;
      }
      case ROUND: {
        long round = in.getRound();
        int proposers = in.getInt();
        long tag = in.getLong();
        int count = in.get();
        if (count > MAX_REPLICAS) {
          throw in.corrupt(1, count + " slots, above " + MAX_REPLICAS);
        }
        Batch[] slots = new Batch[count];
        for (int j = 0; j < count; j++) {
          int present = in.get();
          if (present > 1) {
            throw in.corrupt(1, "slot " + j + " has presence flag " + present + ", not 0 or 1");
          }
          slots[j] = present == 1 ? getBatch(in) : null;
        }
        entry = new LogEntry.Round(new RoundSlots(round, proposers, tag, slots));
        break;
      }
      case CLEAR_ABOVE:
        entry = new LogEntry.ClearAbove(in.getRound());
        break;
      case VIEW:
        entry = getView(in);
        break;
      default:
        throw new CorruptStorageException(where, "unknown record type " + type + " (this version writes types "
            + SLOT + " to " + VIEW + ")");
    }
    in.end();
    return entry;
  }

  /** The metadata store's value for a view record persisted as entry {@code seq}. */
  public static byte[] encodeViewState(ViewState state) {
    Out out = new Out();
    out.put(VIEW_STATE_VERSION);
    out.putLong(state.seq());
    putView(out, state.view());
    return out.toByteArray();
  }

  /** The view state in a metadata value; {@code where} names the file for the error. */
  public static ViewState decodeViewState(byte[] value, String where) throws CorruptStorageException {
    In in = new In(value, where, "view state");
    int version = in.get();
    if (version != VIEW_STATE_VERSION) {
      throw in.corrupt(1, "format version " + version + ", this version reads " + VIEW_STATE_VERSION);
    }
    long seq = in.getLong();
    if (seq < 1) {
      throw in.corrupt(8, "entry number " + seq + " is below 1");
    }
    ViewState state = new ViewState(seq, getView(in));
    in.end();
    return state;
  }

  /** The kind a record type holds, for messages. */
  static String kindName(int type) {
    switch (type) {
      case SLOT:
        return "slot";
      case ROUND:
        return "round";
      case CLEAR_ABOVE:
        return "clear-above";
      case VIEW:
        return "view record";
      default:
        return "record of type " + type;
    }
  }

  private static void checkProposer(int proposer) {
    if (proposer < 0 || proposer >= MAX_REPLICAS) {
      throw new IllegalArgumentException("proposer " + proposer + " is not in 0.." + (MAX_REPLICAS - 1));
    }
  }

  private static void putBatch(Out out, Batch batch) {
    out.putInt(batch.size());
    for (Request r : batch.requests()) {
      out.putLong(r.clientId());
      out.putLong(r.seq());
      out.putInt(r.command().length);
      out.write(r.command(), 0, r.command().length);
    }
  }

  private static Batch getBatch(In in) throws CorruptStorageException {
    int count = in.getInt();
    // Each request takes at least its header: a count the remaining bytes cannot hold is damage,
    // found before a list of that size is made.
    if (count < 0 || (long) count * REQUEST_HEADER_BYTES > in.remaining()) {
      throw in.corrupt(4, "batch of " + count + " requests cannot fit in the " + in.remaining()
          + " bytes that remain: truncated or damaged");
    }
    if (count == 0) {
      return Batch.EMPTY;
    }
    List<Request> requests = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long clientId = in.getLong();
      long seq = in.getLong();
      int length = in.getInt();
      if (length < 0 || length > in.remaining()) {
        throw in.corrupt(4, "request " + i + " has a command of " + length + " bytes, " + in.remaining()
            + " remain: truncated or damaged");
      }
      requests.add(new Request(clientId, seq, in.bytes(length)));
    }
    return Batch.of(requests);
  }

  private static void putView(Out out, LogEntry.ViewRecord v) {
    out.putLong(v.view());
    out.putLong(v.lastNormalView());
    out.putLong(v.promisedView());
    out.putInt(v.activeSet());
    out.putLong(v.firstRound());
  }

  private static LogEntry.ViewRecord getView(In in) throws CorruptStorageException {
    long view = in.getLong();
    long lastNormalView = in.getLong();
    long promisedView = in.getLong();
    int activeSet = in.getInt();
    long firstRound = in.getLong();
    // -1 is "none yet" (a recovering replica's views, a promise not yet made); nothing lies below it.
    if (view < -1 || lastNormalView < -1 || promisedView < -1 || firstRound < 0) {
      throw in.corrupt(VIEW_BYTES, "view or round below -1: view " + view + ", last normal " + lastNormalView
          + ", promised " + promisedView + ", first round " + firstRound);
    }
    return new LogEntry.ViewRecord(view, lastNormalView, promisedView, activeSet, firstRound);
  }

  /** A growing big-endian buffer. */
  private static final class Out extends ByteArrayOutputStream {
    Out() {
      super(64);
    }

    void put(int b) {
      write(b);
    }

    void putInt(int v) {
      write(v >>> 24);
      write(v >>> 16);
      write(v >>> 8);
      write(v);
    }

    void putLong(long v) {
      putInt((int) (v >>> 32));
      putInt((int) v);
    }
  }

  /** A bounds-checked reader: every read past the end is a {@link CorruptStorageException}. */
  private static final class In {
    private final byte[] b;
    private final String where;
    private final String kind;
    private int at;

    In(byte[] b, String where, String kind) {
      this.b = b;
      this.where = where;
      this.kind = kind;
    }

    int remaining() {
      return b.length - at;
    }

    private void need(int n) throws CorruptStorageException {
      if (n > remaining()) {
        throw new CorruptStorageException(where, kind + " of " + b.length + " bytes is truncated: needs " + n
            + " more at byte " + at);
      }
    }

    int get() throws CorruptStorageException {
      need(1);
      return b[at++] & 0xFF;
    }

    int getInt() throws CorruptStorageException {
      need(4);
      int v = Bytes.getInt(b, at);
      at += 4;
      return v;
    }

    long getLong() throws CorruptStorageException {
      need(8);
      long v = Bytes.getLong(b, at);
      at += 8;
      return v;
    }

    long getRound() throws CorruptStorageException {
      long round = getLong();
      if (round < 0) {
        throw corrupt(8, "negative round " + round);
      }
      return round;
    }

    byte[] bytes(int n) throws CorruptStorageException {
      need(n);
      byte[] out = new byte[n];
      System.arraycopy(b, at, out, 0, n);
      at += n;
      return out;
    }

    void end() throws CorruptStorageException {
      if (at != b.length) {
        throw new CorruptStorageException(where, kind + " of " + b.length + " bytes has " + (b.length - at)
            + " bytes left over after byte " + at);
      }
    }

    /** Damage in the field of {@code width} bytes just read. */
    CorruptStorageException corrupt(int width, String detail) {
      return new CorruptStorageException(where, kind + " at byte " + (at - width) + ": " + detail);
    }
  }
}
