package dev.chora.examples.serialization;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Small binary encoding shared by the examples' serializer and snapshots: big-endian numbers,
 * strings as length-prefixed UTF-8 (length -1 for null). Decoding checks every length against the
 * bytes left, so malformed input fails with {@link IllegalArgumentException}, never a huge
 * allocation.
 *
 * <p>Plain array code rather than Data streams: every replica decodes and encodes every command
 * and reply, and in a profile of the benchmark the stream wrappers were most of the executor's time.
 */
public final class Codec {
  private Codec() {}

  /** Writes values; {@link #toBytes()} at the end. */
  public static final class Writer {
    private byte[] buf;
    private int pos;

    public Writer() {
      this(64);
    }

    /**
     * A writer whose first buffer holds {@code expectedBytes}: sized right, it never grows and
     * {@link #toBytes()} hands its array over without a copy.
     */
    public Writer(int expectedBytes) {
      this.buf = new byte[Math.max(8, expectedBytes)];
    }

    /** The bytes {@link #string} takes for {@code s} if it is ASCII (a lower bound otherwise). */
    public static int stringBytes(String s) {
      return 4 + (s == null ? 0 : s.length());
    }

    private void ensure(int more) {
      if (pos + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
      }
    }

    public Writer string(String s) {
      if (s == null) {
        return intValue(-1);
      }
      int n = s.length();
      if (isAscii(s, n)) {
        // ASCII is its own UTF-8: written in place, without the array getBytes would allocate
        // (keys and values of every command, reply and snapshot go through here).
        intValue(n);
        ensure(n);
        for (int i = 0; i < n; i++) {
          buf[pos++] = (byte) s.charAt(i);
        }
        return this;
      }
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      intValue(b.length);
      ensure(b.length);
      System.arraycopy(b, 0, buf, pos, b.length);
      pos += b.length;
      return this;
    }

    public Writer longValue(long v) {
      ensure(8);
      for (int shift = 56; shift >= 0; shift -= 8) {
        buf[pos++] = (byte) (v >>> shift);
      }
      return this;
    }

    public Writer intValue(int v) {
      ensure(4);
      buf[pos++] = (byte) (v >>> 24);
      buf[pos++] = (byte) (v >>> 16);
      buf[pos++] = (byte) (v >>> 8);
      buf[pos++] = (byte) v;
      return this;
    }

    public Writer bool(boolean v) {
      ensure(1);
      buf[pos++] = (byte) (v ? 1 : 0);
      return this;
    }

    private static boolean isAscii(String s, int n) {
      for (int i = 0; i < n; i++) {
        if (s.charAt(i) >= 0x80) {
          return false;
        }
      }
      return true;
    }

    /** The bytes written; the writer must not be used afterwards (its array may be handed over). */
    public byte[] toBytes() {
      return pos == buf.length ? buf : Arrays.copyOf(buf, pos);
    }
  }

  /** Reads what a {@link Writer} wrote; {@link #end()} checks nothing is left over. */
  public static final class Reader {
    private final byte[] bytes;
    private int pos;

    public Reader(byte[] bytes) {
      this.bytes = bytes;
    }

    private void need(int n) {
      if (bytes.length - pos < n) {
        throw new IllegalArgumentException("malformed: message truncated");
      }
    }

    public String string() {
      int n = intValue();
      if (n == -1) {
        return null;
      }
      if (n < 0 || n > bytes.length - pos) {
        throw new IllegalArgumentException("malformed: a string of " + n + " bytes in a message of " + bytes.length);
      }
      String s = new String(bytes, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }

    public long longValue() {
      need(8);
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (bytes[pos++] & 0xFF);
      }
      return v;
    }

    public int intValue() {
      need(4);
      int v = ((bytes[pos] & 0xFF) << 24) | ((bytes[pos + 1] & 0xFF) << 16) | ((bytes[pos + 2] & 0xFF) << 8)
          | (bytes[pos + 3] & 0xFF);
      pos += 4;
      return v;
    }

    public boolean bool() {
      need(1);
      return bytes[pos++] != 0;
    }

    /** A count that cannot exceed what is left (each item takes at least {@code minItemBytes}). */
    public int count(int minItemBytes) {
      int n = intValue();
      if (n < 0 || (long) n * minItemBytes > bytes.length - pos) {
        throw new IllegalArgumentException("malformed: " + n + " items in a message of " + bytes.length + " bytes");
      }
      return n;
    }

    public void end() {
      if (pos != bytes.length) {
        throw new IllegalArgumentException("malformed: " + (bytes.length - pos) + " bytes left over");
      }
    }
  }
}
