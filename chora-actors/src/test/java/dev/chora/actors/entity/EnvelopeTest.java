package dev.chora.actors.entity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The bytes every command and reply travels as through the log: exact, and strict on bad input. */
class EnvelopeTest {
  final Envelope sample = new Envelope("kv", "user-ä-42", 7, "kv.put", new byte[] {1, 2, 3, 4, 5});

  @Test
  void roundTripsEveryField() {
    Envelope back = Envelope.decode(sample.encode());
    assertEquals(sample.type(), back.type());
    assertEquals(sample.entityId(), back.entityId());
    assertEquals(sample.serializerId(), back.serializerId());
    assertEquals(sample.manifest(), back.manifest());
    assertArrayEquals(sample.payload(), back.payload());
    Envelope failure = Envelope.decode(Envelope.failure("x".repeat(100_000)).encode());
    assertTrue(failure.isFailure());
    assertEquals(100_000, failure.manifest().length(), "a long failure reason survives");
  }

  @Test
  void everyTruncationAndTrailingGarbageIsRejectedWithAClearError() {
    byte[] bytes = sample.encode();
    for (int n = 0; n < bytes.length; n++) {
      byte[] cut = Arrays.copyOf(bytes, n);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Envelope.decode(cut));
      assertTrue(e.getMessage().startsWith("not an entity envelope"), e.getMessage());
    }
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThrows(IllegalArgumentException.class, () -> Envelope.decode(longer));
  }

  @Test
  void randomBytesNeverAllocateBeyondTheInputOrEscapeAsAnotherException() {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 10_000; i++) {
      byte[] junk = new byte[random.nextInt(64)];
      for (int k = 0; k < junk.length; k++) {
        junk[k] = (byte) random.nextInt();
      }
      try {
        Envelope.decode(junk);
      } catch (IllegalArgumentException expected) {
        // the only way bad bytes may fail
      }
    }
  }
}
