package dev.chora.transport;

import static dev.chora.transport.DeepAssert.assertDeepEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.esotericsoftware.kryo.io.Output;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bytes from a faulty or hostile peer: every failure must be a MalformedMessageException saying
 * what was wrong — never another exception, an OutOfMemoryError, a hang or a wrong object.
 */
@Timeout(300)
class MalformedInputTest {
  private static final int MAX = 16 * 1024 * 1024;
  private final ChoraCodec codec = new ChoraCodec(MAX);

  /**
   * The bytes as Artery hands them to the serializer: in a direct buffer, after other bytes (its
   * header) and before others (the frame's slack), with position and limit around the frame.
   */
  static java.nio.ByteBuffer inArteryBuffer(byte[] bytes) {
    // Direct as Artery's are; large ones on the heap, so thousands of prefixes do not churn direct memory.
    java.nio.ByteBuffer buffer = bytes.length <= 64 * 1024 ? java.nio.ByteBuffer.allocateDirect(bytes.length + 16)
        : java.nio.ByteBuffer.allocate(bytes.length + 16);
    buffer.put(new byte[] {9, 9, 9, 9, 9, 9, 9}).put(bytes).put(new byte[] {1, 2, 3});
    return buffer.limit(7 + bytes.length).position(7);
  }

  /** Asserts the bytes are refused cleanly, from an array and from a buffer; returns the message. */
  private String assertMalformed(byte[] bytes) {
    String fromArray = assertMalformed(() -> codec.decode(bytes), bytes);
    if (bytes == null) {
      return fromArray; // Artery never hands over a null buffer
    }
    String fromBuffer = assertMalformed(() -> codec.decode(inArteryBuffer(bytes)), bytes);
    assertTrue(fromArray.equals(fromBuffer), "array and buffer paths disagree: " + fromArray + " / " + fromBuffer);
    return fromArray;
  }

  private static String assertMalformed(java.util.function.Supplier<Object> decode, byte[] bytes) {
    try {
      Object decoded = decode.get();
      fail("decoded " + decoded + " from malformed bytes " + (bytes.length <= 64 ? Arrays.toString(bytes) : ""));
      return null;
    } catch (MalformedMessageException e) {
      assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "exception without a message");
      return e.getMessage();
    } catch (Throwable t) {
      throw new AssertionError("expected MalformedMessageException, got " + t, t);
    }
  }

  /** Decodes, or is refused cleanly. A decoded message must survive its own round trip. */
  private boolean decodesOrIsRefused(byte[] bytes) {
    Object decoded;
    try {
      decoded = codec.decode(bytes);
    } catch (MalformedMessageException e) {
      return false;
    } catch (Throwable t) {
      throw new AssertionError("expected MalformedMessageException, got " + t, t);
    }
    assertDeepEquals(decoded, codec.decode(codec.encode(decoded)));
    assertDeepEquals(decoded, codec.decode(inArteryBuffer(bytes)));
    return true;
  }

  private static byte[] frame(int id, Consumer<Output> body) {
    Output out = new Output(64, -1);
    out.writeByte(ChoraCodec.FORMAT_VERSION);
    out.writeVarInt(id, true);
    body.accept(out);
    return out.toBytes();
  }

  private static void assertContains(String text, String part) {
    assertTrue(text.contains(part), "expected \"" + part + "\" in: " + text);
  }

  @Test
  void everyPrefixOfEveryValidEncodingIsRejected() {
    int checked = 0;
    for (Map.Entry<String, Object> e : Samples.all().entrySet()) {
      byte[] full = codec.encode(e.getValue());
      // Every prefix of encodings up to 16 KiB; of the large ones, the ends and 2,000 in between.
      int step = full.length <= 16 * 1024 ? 1 : full.length / 2000;
      for (int k = 0; k < full.length; k++) {
        if (k < 256 || full.length - k < 256 || k % step == 0) {
          assertMalformed(Arrays.copyOf(full, k));
          checked++;
        }
      }
    }
    assertTrue(checked > 10_000, "checked " + checked);
  }

  @Test
  void truncationSaysWhereItHappened() {
    byte[] full = codec.encode(Samples.all().get("StartView"));
    String message = assertMalformed(Arrays.copyOf(full, full.length - 1));
    assertContains(message, "StartView (" + (full.length - 1) + " bytes), at byte ");
  }

  @Test
  void randomBytesAreRejectedOrDecodeCleanly() {
    int decoded = 0;
    int[] large = {1024, 4096, 65_536, 1 << 20, MAX};
    for (int seed = 0; seed < 2100; seed++) {
      Random rnd = new Random(seed);
      int size = seed < 2000 ? seed % 700 : large[seed % large.length];
      byte[] bytes = Samples.bytes(rnd, size);
      if (decodesOrIsRefused(bytes)) {
        decoded++;
      }
    }
    // 2,000 arrays of 0-699 bytes, then 20 each of the large sizes. The version byte alone refuses 255 in 256; a decode by chance is fine if it round-trips.
    assertTrue(decoded < 100, "too many random arrays decoded: " + decoded);
  }

  @Test
  void randomBodiesAfterAValidHeaderAreRejectedOrDecodeCleanly() {
    for (KryoFactory.Entry e : KryoFactory.TABLE) {
      for (int seed = 0; seed < 2000; seed++) {
        Random rnd = new Random(seed * 31L + e.id());
        byte[] body = Samples.bytes(rnd, rnd.nextInt(seed % 10 == 0 ? 5000 : 120));
        decodesOrIsRefused(frame(e.id(), out -> out.writeBytes(body)));
      }
    }
  }

  @Test
  void corruptedValidEncodingsAreRejectedOrDecodeCleanly() {
    for (Map.Entry<String, Object> e : Samples.all().entrySet()) {
      byte[] valid = codec.encode(e.getValue());
      Random rnd = new Random(e.getKey().hashCode());
      for (int i = 0; i < 300; i++) {
        byte[] bytes = valid.clone();
        // Flip bytes near the front, where the headers and lengths are.
        for (int flips = 1 + rnd.nextInt(3); flips > 0; flips--) {
          bytes[rnd.nextInt(Math.min(bytes.length, 64))] = (byte) rnd.nextInt(256);
        }
        decodesOrIsRefused(bytes);
      }
    }
  }

  @Test
  void hugeLengthFieldsAreRejectedWithoutAllocating() {
    int huge = Integer.MAX_VALUE - 1; // written as count + 1 = Integer.MAX_VALUE
    byte[][] forged = {
      // RoundMessage whose ack vector claims 2^31 longs.
      frame(20, out -> {
        Wire.writeLong(out, 1);
        Wire.writeLong(out, 2);
        Wire.writeInt(out, 0);
        Wire.writeCount(out, 0);
        Wire.writeCount(out, huge);
      }),
      // ReadRequest whose query claims 2 GiB.
      frame(41, out -> {
        Wire.writeLong(out, 1);
        Wire.writeLong(out, 2);
        Wire.writeCount(out, huge);
      }),
      // Batch claiming 2^31 requests, with a few real bytes after it.
      frame(50, out -> {
        Wire.writeCount(out, huge);
        out.writeBytes(new byte[100]);
      }),
      // StateTransfer whose round list claims 2^31 entries.
      frame(29, out -> {
        Wire.writeLong(out, 1);
        Wire.writeInt(out, 0);
        Wire.writeCount(out, huge);
      }),
      // A request list claiming 1,000 requests in 200 bytes.
      frame(50, out -> {
        Wire.writeCount(out, 1000);
        out.writeBytes(new byte[200]);
      }),
    };
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (byte[] bytes : forged) {
      assertMalformed(bytes); // warm up: class loading and JIT allocate too
      long before = threads.getCurrentThreadAllocatedBytes();
      String message = assertMalformed(bytes);
      long allocated = threads.getCurrentThreadAllocatedBytes() - before;
      assertTrue(message.contains("remain") || message.contains("exceeds the cap"), message);
      assertTrue(allocated < 256 * 1024, "allocated " + allocated + " bytes refusing: " + message);
    }
  }

  @Test
  void negativeAndOverCapLengthsAreRejected() {
    // An unsigned varint of 0xFFFFFFFF reads as a negative int.
    byte[] negative = frame(41, out -> {
      Wire.writeLong(out, 1);
      Wire.writeLong(out, 2);
      out.writeVarInt(-1, true);
    });
    assertContains(assertMalformed(negative), "negative length");
    // An ack vector of 33 replicas, all present: over the replica cap.
    byte[] overCap = frame(21, out -> {
      Wire.writeLong(out, 1);
      Wire.writeLong(out, 2);
      Wire.writeInt(out, 0);
      Wire.writeCount(out, 33); // as a forged sender would write it: Wire.writeLongs refuses
      for (int i = 0; i < 33; i++) {
        Wire.writeLong(out, 0);
      }
      Wire.writeLong(out, 0);
    });
    assertContains(assertMalformed(overCap), "AckMessage.ackVector: length 33 exceeds the cap of 32");
  }

  @Test
  void unknownClassIdsAndKryoBuiltInsAreRejected() {
    int[] ids = {0, 1, 2, 9, 10, 19, 34, 39, 45, 49, 52, 1000, Integer.MAX_VALUE, -1};
    for (int id : ids) {
      byte[] bytes = frame(id, out -> out.writeBytes(new byte[8]));
      assertContains(assertMalformed(bytes), "unknown class id " + id);
    }
  }

  @Test
  void wrongVersionTrailingBytesAndEmptyInputAreRejected() {
    byte[] valid = codec.encode(Samples.all().get("ViewRequest"));
    byte[] otherVersion = valid.clone();
    otherVersion[0] = (byte) (ChoraCodec.FORMAT_VERSION - 1); // a node of the previous format
    assertContains(assertMalformed(otherVersion), "unknown wire format version " + (ChoraCodec.FORMAT_VERSION - 1));
    otherVersion[0] = (byte) (ChoraCodec.FORMAT_VERSION + 1);
    assertContains(assertMalformed(otherVersion), "unknown wire format version " + (ChoraCodec.FORMAT_VERSION + 1));
    assertContains(assertMalformed(Arrays.copyOf(valid, valid.length + 1)), "1 trailing bytes");
    assertContains(assertMalformed(new byte[0]), "empty");
    assertContains(assertMalformed(null), "empty");
  }

  @Test
  void nullWhereTheRecordRequiresAValueIsRejected() {
    byte[] nullQuery = frame(41, out -> {
      Wire.writeLong(out, 1);
      Wire.writeLong(out, 2);
      Wire.writeCount(out, -1);
    });
    assertContains(assertMalformed(nullQuery), "ReadRequest.query: null");
    byte[] nullInList = frame(23, out -> {
      Wire.writeLong(out, 1);
      Wire.writeInt(out, 0);
      Wire.writeInt(out, 0);
      Wire.writeLong(out, 1);
      Wire.writeCount(out, 2);
      Wire.writeCount(out, 0);
      Wire.writeCount(out, -1);
    });
    assertContains(assertMalformed(nullInList), "SlotTransfer.batches[1] is null");
  }

  @Test
  void unknownStatusCodeIsRejected() {
    byte[] bytes = frame(42, out -> {
      Wire.writeLong(out, 1);
      Wire.writeLong(out, 2);
      out.writeByte(9);
      Wire.writeCount(out, -1);
    });
    assertContains(assertMalformed(bytes), "ClientReply.status: unknown code 9");
  }

  @Test
  void forwardWithoutRequestOrRefusalWithoutStatusIsRejected() {
    byte[] noCommand = frame(32, out -> {
      Wire.writeLong(out, 3);
      Wire.writeInt(out, 1);
      Wire.writeLong(out, 7);
      Wire.writeLong(out, 8);
      Wire.writeCount(out, -1);
    });
    assertContains(assertMalformed(noCommand), "Request.command: null");
    byte[] noStatus = frame(33, out -> {
      Wire.writeLong(out, 3);
      Wire.writeInt(out, 0);
      Wire.writeLong(out, 7);
      Wire.writeLong(out, 8);
      out.writeByte(0);
    });
    assertContains(assertMalformed(noStatus), "ForwardRefused.status: missing");
    byte[] unknownStatus = frame(33, out -> {
      Wire.writeLong(out, 3);
      Wire.writeInt(out, 0);
      Wire.writeLong(out, 7);
      Wire.writeLong(out, 8);
      out.writeByte(9);
    });
    assertContains(assertMalformed(unknownStatus), "ClientReply.status: unknown code 9");
  }
}
