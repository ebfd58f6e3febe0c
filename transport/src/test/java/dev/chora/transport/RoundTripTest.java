package dev.chora.transport;

import static dev.chora.transport.DeepAssert.assertDeepEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.DoViewChange;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.message.RoundMessage;
import dev.chora.runtime.message.RoundSlots;
import dev.chora.runtime.message.SlotTransfer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RoundTripTest {
  private final ChoraSerializer serializer = new ChoraSerializer(16 * 1024 * 1024);

  static Stream<Named<Object>> samples() {
    return Samples.all().entrySet().stream().map(e -> Named.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest
  @MethodSource("samples")
  void roundTripsFieldByField(Object message) {
    byte[] bytes = serializer.toBinary(message);
    Object decoded = serializer.fromBinary(bytes);
    assertDeepEquals(message, decoded);
    // The encoding is canonical: decoding then encoding again gives the same bytes.
    assertArrayEquals(bytes, serializer.toBinary(decoded));
  }

  /** Artery's path: written into and read from its envelope buffer, after its header. */
  @ParameterizedTest
  @MethodSource("samples")
  void roundTripsThroughAnArteryBuffer(Object message) {
    byte[] bytes = serializer.toBinary(message);
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocateDirect(bytes.length + 64);
    buffer.put(new byte[] {7, 7, 7});
    serializer.toBinary(message, buffer);
    assertEquals(3 + bytes.length, buffer.position(), "the frame advances the buffer by its length");
    byte[] written = new byte[bytes.length];
    buffer.flip().position(3);
    buffer.get(written).position(3);
    assertArrayEquals(bytes, written, "the same frame as toBinary");
    Object decoded = serializer.fromBinary(buffer, "");
    assertEquals(buffer.limit(), buffer.position(), "the frame is consumed");
    assertDeepEquals(message, decoded);
  }

  @Test
  void decodedMessagesDoNotShareTheReceiveScratch() {
    Request first = new Request(1, 1, new byte[] {1, 2, 3, 4});
    Object decoded = serializer.fromBinary(java.nio.ByteBuffer.wrap(serializer.toBinary(first)), "");
    // Decoding more frames (on this thread, so from the same pooled scratch) must not change it.
    for (int i = 0; i < 10; i++) {
      serializer.fromBinary(java.nio.ByteBuffer.wrap(serializer.toBinary(new Request(9, 9, new byte[] {9, 9, 9, 9}))), "");
    }
    assertDeepEquals(first, decoded);
  }

  @Test
  void aFrameTooLargeForTheBufferIsRefusedAndLeavesItUntouched() {
    Request r = new Request(1, 2, new byte[100]);
    java.nio.ByteBuffer small = java.nio.ByteBuffer.allocate(120).position(30);
    MessageTooLargeException e = assertThrows(MessageTooLargeException.class, () -> serializer.toBinary(r, small));
    assertTrue(e.getMessage().contains("90 bytes the transport's frame has left"), e.getMessage());
    assertEquals(30, small.position());
  }

  @Test
  void everyWireClassIsCoveredBySamples() {
    Set<Class<?>> covered = new HashSet<>();
    Samples.all().values().forEach(m -> covered.add(m.getClass()));
    for (KryoFactory.Entry e : KryoFactory.TABLE) {
      assertTrue(covered.contains(e.type()), "no sample of " + e.type().getSimpleName());
    }
  }

  @Test
  void emptyBatchDecodesToTheSharedInstance() {
    RoundMessage m = new RoundMessage(1, 2, 0, Batch.EMPTY, new long[] {1, 2, 3}, 0);
    RoundMessage decoded = (RoundMessage) serializer.fromBinary(serializer.toBinary(m));
    assertSame(Batch.EMPTY, decoded.batch());
  }

  @Test
  void nullsSurviveWhereTheRecordsAllowThem() {
    RoundSlots rs = new RoundSlots(5, 0b111, 2, new Batch[] {null, null, null});
    RoundSlots decoded = (RoundSlots) serializer.fromBinary(serializer.toBinary(rs));
    assertEquals(3, decoded.slots().length);
    assertTrue(Arrays.stream(decoded.slots()).allMatch(b -> b == null));
    RoundSlots noArray = new RoundSlots(5, 0, 2, null);
    assertDeepEquals(noArray, serializer.fromBinary(serializer.toBinary(noArray)));
    RoundMessage noBatch = new RoundMessage(1, 2, 0, null, null, 0);
    assertDeepEquals(noBatch, serializer.fromBinary(serializer.toBinary(noBatch)));
  }

  @Test
  void decodedListsAreImmutable() {
    DoViewChange m = (DoViewChange) serializer.fromBinary(serializer.toBinary(Samples.all().get("DoViewChange")));
    assertThrows(UnsupportedOperationException.class, () -> m.rounds().clear());
  }

  @Test
  void nullListElementIsRefusedAtTheSender() {
    SlotTransfer m = new SlotTransfer(1, 0, 0, 1, Arrays.asList(Batch.EMPTY, null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> serializer.toBinary(m));
    assertTrue(e.getMessage().contains("SlotTransfer.batches[1] is null"), e.getMessage());
  }

  /** What every receiver would drop as malformed is refused at the sender, saying why. */
  @Test
  void perReplicaVectorsLongerThanTheWireAllowsAreRefusedAtTheSender() {
    RoundMessage m = new RoundMessage(1, 2, 0, Batch.EMPTY, new long[33], 0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> serializer.toBinary(m));
    assertTrue(e.getMessage().contains("at most 32 replicas"), e.getMessage());
    RoundSlots rs = new RoundSlots(5, 0, 2, new Batch[33]);
    assertThrows(IllegalArgumentException.class, () -> serializer.toBinary(rs));
    serializer.toBinary(new RoundMessage(1, 2, 0, Batch.EMPTY, new long[32], 0));
  }

  @Test
  void unregisteredClassOnWriteNamesTheClassAndTheFix() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> serializer.toBinary(List.of("not a message")));
    assertTrue(e.getMessage().contains(List.of("x").getClass().getName()), e.getMessage());
    assertTrue(e.getMessage().contains("serialization-bindings"), e.getMessage());
    assertTrue(e.getMessage().contains("KryoFactory"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> serializer.toBinary("a string"));
    assertThrows(IllegalArgumentException.class, () -> serializer.toBinary(null));
  }
}
