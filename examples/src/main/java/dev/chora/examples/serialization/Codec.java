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
    private byte[] buf = new byte[64];
    private int pos;

    private void ensure(int more) {
      if (pos + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
      }
    }

    public Writer string(String s) {
      if (s == null) {
        return intValue(-1);
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

    public byte[] toBytes() {
      return Arrays.copyOf(buf, pos);
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
