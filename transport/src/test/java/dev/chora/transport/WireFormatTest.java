package dev.chora.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.ForwardRefused;
import dev.chora.runtime.message.ForwardedRequest;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.message.RoundMessage;
import dev.chora.runtime.message.StartViewChange;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pins the wire format. If one of these fails, the change breaks running clusters: restore the
 * old behaviour, or bump ChoraCodec.FORMAT_VERSION and update the expectations deliberately.
 */
class WireFormatTest {
  @Test
  void idTableIsStable() {
    Map<Integer, String> expected = new LinkedHashMap<>();
    String[] peer = {"RoundMessage", "AckMessage", "SlotRequest", "SlotTransfer", "StartViewChange",
        "DoViewChange", "StartView", "ViewRequest", "StateRequest", "StateTransfer", "Recovery",
        "RecoveryResponse", "ForwardedRequest", "ForwardRefused"};
    for (int i = 0; i < peer.length; i++) {
      expected.put(20 + i, peer[i]);
    }
    expected.put(40, "Request");
    expected.put(41, "ReadRequest");
    expected.put(42, "ClientReply");
    expected.put(43, "ClientBatch");
    expected.put(44, "ClientReplies");
    expected.put(50, "Batch");
    expected.put(51, "RoundSlots");
    Map<Integer, String> actual = new LinkedHashMap<>();
    for (KryoFactory.Entry e : KryoFactory.TABLE) {
      actual.put(e.id(), e.type().getSimpleName());
    }
    assertEquals(expected, actual);
  }

  @Test
  void forwardEncodingsArePinned() {
    ForwardedRequest forward = new ForwardedRequest(2, 1, new Request(3, 1, new byte[] {(byte) 0xAB}));
    // version 04, id 32 (0x20), view 2 -> 04, from 1 -> 02, clientId 3 -> 06, seq 1 -> 02, command length 1+1 = 02, ab.
    assertEquals("04200402060202ab", HexFormat.of().formatHex(new ChoraCodec(1 << 20).encode(forward)));
    // version 04, id 33 (0x21), view 2 -> 04, from 0 -> 00, clientId 3 -> 06, seq 1 -> 02, OVERLOADED -> 02.
    assertEquals("04210400060202", HexFormat.of().formatHex(new ChoraCodec(1 << 20).encode(
        new ForwardRefused(2, 0, 3, 1, ClientReply.Status.OVERLOADED))));
  }

  @Test
  void encodingIsPinned() {
    Batch batch = Batch.of(List.of(new Request(3, 1, new byte[] {(byte) 0xAB, (byte) 0xCD})));
    RoundMessage m = new RoundMessage(2, 10, 1, batch, new long[] {9, -1, 0}, 8, 4, 0x0123456789abcdefL);
    // version 04, id 20 (0x14), view 2 -> zigzag 04, round 10 -> 14, from 1 -> 02, batch: count 1+1 = 02,
    // request clientId 3 -> 06, seq 1 -> 02, command length 2+1 = 03, abcd; acks 3+1 = 04, 12 01 00;
    // executedRound 8 -> 10; checkpoint round 4 -> 08, its digest in 8 bytes, little-endian (Kryo's fixed-width order).
    assertEquals("041404140202060203abcd041201001008efcdab8967452301",
        HexFormat.of().formatHex(new ChoraCodec(1 << 20).encode(m)));
    // version 04, id 24 (0x18), view 8 -> 10, from 1 -> 02, bound view 6 -> 0c.
    assertEquals("041810020c", HexFormat.of().formatHex(new ChoraCodec(1 << 20).encode(new StartViewChange(8, 1, 6))));
  }
}
