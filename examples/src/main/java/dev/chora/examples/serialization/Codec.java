package dev.chora.examples.serialization;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Small binary encoding shared by the examples' serializer and snapshots: big-endian numbers,
 * strings as length-prefixed UTF-8 (length -1 for null). Decoding checks every length against the
 * bytes left, so malformed input fails with {@link IllegalArgumentException}, never a huge
 * allocation.
 */
public final class Codec {
  private Codec() {}

  /** Writes values; {@link #toBytes()} at the end. */
  public static final class Writer {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    private final DataOutputStream out = new DataOutputStream(bytes);

    public Writer string(String s) {
      try {
        if (s == null) {
          out.writeInt(-1);
        } else {
          byte[] b = s.getBytes(StandardCharsets.UTF_8);
          out.writeInt(b.length);
          out.write(b);
        }
        return this;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public Writer longValue(long v) {
      try {
        out.writeLong(v);
        return this;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public Writer intValue(int v) {
      try {
        out.writeInt(v);
        return this;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public Writer bool(boolean v) {
      try {
        out.writeBoolean(v);
        return this;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public byte[] toBytes() {
      try {
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }
  }

  /** Reads what a {@link Writer} wrote; {@link #end()} checks nothing is left over. */
  public static final class Reader {
    private final DataInputStream in;
    private final int length;

    public Reader(byte[] bytes) {
      this.in = new DataInputStream(new ByteArrayInputStream(bytes));
      this.length = bytes.length;
    }

    public String string() {
      try {
        int n = in.readInt();
        if (n == -1) {
          return null;
        }
        if (n < 0 || n > in.available()) {
          throw new IllegalArgumentException("malformed: a string of " + n + " bytes in a message of " + length);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
      } catch (EOFException e) {
        throw new IllegalArgumentException("malformed: message truncated", e);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public long longValue() {
      try {
        return in.readLong();
      } catch (EOFException e) {
        throw new IllegalArgumentException("malformed: message truncated", e);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public int intValue() {
      try {
        return in.readInt();
      } catch (EOFException e) {
        throw new IllegalArgumentException("malformed: message truncated", e);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public boolean bool() {
      try {
        return in.readBoolean();
      } catch (EOFException e) {
        throw new IllegalArgumentException("malformed: message truncated", e);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** A count that cannot exceed what is left (each item takes at least {@code minItemBytes}). */
    public int count(int minItemBytes) {
      int n = intValue();
      try {
        if (n < 0 || (long) n * minItemBytes > in.available()) {
          throw new IllegalArgumentException("malformed: " + n + " items in a message of " + length + " bytes");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return n;
    }

    public void end() {
      try {
        if (in.available() != 0) {
          throw new IllegalArgumentException("malformed: " + in.available() + " bytes left over");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
