package dev.chora.transport;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The primitive encodings every message is built from, and the checks that make reading safe:
 * each count is validated against a cap and against the bytes actually left BEFORE anything is
 * allocated, so a forged length costs an exception, not memory.
 *
 * <p>Numbers are zig-zag varints (views and rounds are small; -1 is common and costs one byte).
 * Counts are written as count + 1 so that 0 can mean null: a nullable array or list costs nothing
 * extra, and null versus empty survives the round trip.
 */
final class Wire {
  /**
   * Replica ids index ack vectors and slot arrays, and a round's proposers is an int bit mask, so
   * no replica-indexed array can be longer than 32 (the runtime allows at most 9 replicas).
   */
  static final int MAX_REPLICAS = 32;

  /** Decoded empty byte arrays share this instance: the runtime treats them as read-only. */
  private static final byte[] NO_BYTES = new byte[0];

  private Wire() {}

  static void writeLong(Output out, long value) {
    out.writeVarLong(value, false);
  }

  static long readLong(Input in) {
    return in.readVarLong(false);
  }

  static void writeInt(Output out, int value) {
    out.writeVarInt(value, false);
  }

  static int readInt(Input in) {
    return in.readVarInt(false);
  }

  /** Writes {@code count}, or null when it is -1. */
  static void writeCount(Output out, int count) {
    out.writeVarInt(count + 1, true);
  }

  /**
   * Reads a count written by {@link #writeCount}: -1 for null, else 0..cap, and never more
   * elements than the remaining bytes could hold at {@code minBytesEach} bytes apiece.
   */
  static int readCount(Input in, String what, int minBytesEach, int cap) {
    int raw = in.readVarInt(true);
    if (raw < 0) {
      throw new MalformedMessageException(what + ": negative length " + ((long) raw - 1));
    }
    int count = raw - 1;
    if (count > cap) {
      throw new MalformedMessageException(what + ": length " + count + " exceeds the cap of " + cap);
    }
    long needed = (long) count * minBytesEach;
    int remaining = in.limit() - in.position();
    if (needed > remaining) {
      throw new MalformedMessageException(what + ": claims " + count + " elements (at least " + needed
          + " bytes) but only " + remaining + " bytes remain");
    }
    return count;
  }

  /** As {@link #readCount}, for a field that may not be null. */
  static int readRequiredCount(Input in, String what, int minBytesEach, int cap) {
    int count = readCount(in, what, minBytesEach, cap);
    if (count < 0) {
      throw new MalformedMessageException(what + ": null where a value is required");
    }
    return count;
  }

  static void writeBytes(Output out, byte[] bytes) {
    if (bytes == null) {
      writeCount(out, -1);
    } else {
      writeCount(out, bytes.length);
      out.writeBytes(bytes);
    }
  }

  static byte[] readBytes(Input in, String what, boolean nullable) {
    int length = nullable
        ? readCount(in, what, 1, Integer.MAX_VALUE)
        : readRequiredCount(in, what, 1, Integer.MAX_VALUE);
    if (length < 0) {
      return null;
    }
    return length == 0 ? NO_BYTES : in.readBytes(length);
  }

  /** Per-replica vectors: refused past {@link #MAX_REPLICAS} here, as the receiver would refuse them. */
  static void writeLongs(Output out, long[] values) {
    if (values == null) {
      writeCount(out, -1);
      return;
    }
    checkReplicas(values.length, "a per-replica vector");
    writeCount(out, values.length);
    for (long v : values) {
      writeLong(out, v);
    }
  }

  /** A nullable long array of at most {@code cap} elements (each takes at least one byte). */
  /** A frame every receiver would drop is not sent: the sender hears why instead. */
  static void checkReplicas(int length, String what) {
    if (length > MAX_REPLICAS) {
      throw new IllegalArgumentException(what + " of " + length + " entries: the wire carries at most "
          + MAX_REPLICAS + " replicas");
    }
  }

  static long[] readLongs(Input in, String what, int cap) {
    int length = readCount(in, what, 1, cap);
    if (length < 0) {
      return null;
    }
    long[] values = new long[length];
    for (int i = 0; i < length; i++) {
      values[i] = readLong(in);
    }
    return values;
  }

  /**
   * A nullable list of non-null elements. Null elements are refused here, at the sender, because
   * the runtime builds its lists with List.copyOf and the receiver rebuilds them with List.of:
   * neither admits null.
   */
  static <T> void writeList(Output out, List<T> list, String what, BiConsumer<Output, T> writer) {
    if (list == null) {
      writeCount(out, -1);
      return;
    }
    writeCount(out, list.size());
    for (int i = 0; i < list.size(); i++) {
      T element = list.get(i);
      if (element == null) {
        throw new IllegalArgumentException(what + "[" + i + "] is null: the Chora wire format "
            + "does not carry null list elements");
      }
      writer.accept(out, element);
    }
  }

  /** Reads a list written by {@link #writeList}; the result is immutable. */
  static <T> List<T> readList(Input in, String what, int minBytesEach, Function<Input, T> reader) {
    int count = readCount(in, what, minBytesEach, Integer.MAX_VALUE);
    if (count < 0) {
      return null;
    }
    Object[] elements = new Object[count];
    for (int i = 0; i < count; i++) {
      T element = reader.apply(in);
      if (element == null) {
        throw new MalformedMessageException(what + "[" + i + "] is null");
      }
      elements[i] = element;
    }
    @SuppressWarnings("unchecked")
    List<T> list = (List<T>) List.of(elements);
    return list;
  }

}
