package dev.chora.transport;

import static dev.chora.transport.DeepAssert.assertDeepEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.message.Request;
import org.junit.jupiter.api.Test;

class SizeLimitTest {
  private static final int LIMIT = 1024;
  private final ChoraSerializer small = new ChoraSerializer(LIMIT);
  private final ChoraSerializer large = new ChoraSerializer(16 * 1024 * 1024);

  /** The request whose encoding is exactly {@code size} bytes. */
  private Request requestEncodingTo(int size) {
    int overhead = large.toBinary(new Request(1, 2, new byte[size])).length - size;
    Request r = new Request(1, 2, new byte[size - overhead]);
    assertEquals(size, large.toBinary(r).length);
    return r;
  }

  @Test
  void messageAtTheLimitPasses() {
    Request r = requestEncodingTo(LIMIT);
    assertDeepEquals(r, small.fromBinary(small.toBinary(r)));
  }

  @Test
  void messageOverTheLimitIsRefusedOnWrite() {
    Request r = requestEncodingTo(LIMIT + 1);
    MessageTooLargeException e = assertThrows(MessageTooLargeException.class, () -> small.toBinary(r));
    assertTrue(e.getMessage().contains("max-message-bytes = 1024"), e.getMessage());
    // Far over the limit too: writing stops at the limit instead of building the whole array.
    assertThrows(MessageTooLargeException.class, () -> small.toBinary(new Request(1, 2, new byte[1 << 22])));
    // The serializer is still usable afterwards.
    assertDeepEquals(Samples.all().get("Recovery"), small.fromBinary(small.toBinary(Samples.all().get("Recovery"))));
  }

  @Test
  void messageOverTheLimitIsRefusedOnRead() {
    byte[] bytes = large.toBinary(requestEncodingTo(LIMIT + 1));
    MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> small.fromBinary(bytes));
    assertTrue(e.getMessage().contains("1025 bytes exceeds chora.serialization.max-message-bytes = 1024"),
        e.getMessage());
  }

  @Test
  void limitMustBeSane() {
    assertThrows(IllegalArgumentException.class, () -> new ChoraSerializer(0));
    assertThrows(IllegalArgumentException.class, () -> new ChoraSerializer(-5));
  }
}
