package dev.chora.runtime.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.message.AckMessage;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.PeerMessage;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.message.RoundMessage;
import dev.chora.runtime.message.SlotRequest;
import dev.chora.runtime.message.SlotTransfer;
import dev.chora.runtime.message.ViewRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every message is validated on receipt (DESIGN §10): an invalid one is dropped and counted with
 * its reason, never throws, and changes nothing.
 */
class MessageValidationTest {

  static Batch oversized() {
    List<Request> many = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      many.add(new Request(i, 1, new byte[34]));
    }
    return Batch.of(many); // 250 bytes, over max-batch-bytes 200
  }

  static Stream<Arguments> invalidMessages() {
    Batch one = Batch.of(List.of(new Request(1, 1, new byte[4])));
    return Stream.of(
        Arguments.of("unknown sender", new RoundMessage(0, 1, 7, Batch.EMPTY, new long[] {0, 1, 0}, 0), DropReason.UNKNOWN_SENDER),
        Arguments.of("negative sender", new AckMessage(0, 1, -1, new long[] {0, 1, 0}, 0), DropReason.UNKNOWN_SENDER),
        Arguments.of("own id", new RoundMessage(0, 1, 0, one, new long[] {1, 0, 0}, 0), DropReason.UNKNOWN_SENDER),
        Arguments.of("older view", new RoundMessage(-1, 1, 1, one, new long[] {0, 1, 0}, 0), DropReason.WRONG_VIEW),
        Arguments.of("newer view", new RoundMessage(3, 1, 1, one, new long[] {0, 1, 0}, 0), DropReason.WRONG_VIEW),
        Arguments.of("short ack vector", new RoundMessage(0, 1, 1, one, new long[] {0, 1}, 0), DropReason.MALFORMED),
        Arguments.of("missing ack vector", new RoundMessage(0, 1, 1, one, null, 0), DropReason.MALFORMED),
        Arguments.of("missing batch", new RoundMessage(0, 1, 1, null, new long[] {0, 1, 0}, 0), DropReason.MALFORMED),
        Arguments.of("negative ack", new RoundMessage(0, 1, 1, one, new long[] {-5, 1, 0}, 0), DropReason.MALFORMED),
        Arguments.of("impossible ack", new RoundMessage(0, 1, 1, one, new long[] {0, 1_000_000, 0}, 0), DropReason.MALFORMED),
        Arguments.of("round zero", new RoundMessage(0, 0, 1, one, new long[] {0, 0, 0}, 0), DropReason.MALFORMED),
        Arguments.of("oversized batch", new RoundMessage(0, 1, 1, oversized(), new long[] {0, 1, 0}, 0), DropReason.OVERSIZED),
        Arguments.of("beyond the window", new RoundMessage(0, 500, 1, one, new long[] {0, 500, 0}, 0), DropReason.OUT_OF_WINDOW),
        Arguments.of("heartbeat with bad vector", new AckMessage(0, 1, 1, new long[] {0, 1, 0, 0}, 0), DropReason.MALFORMED),
        Arguments.of("slot request for no proposer", new SlotRequest(0, 1, 9, 1, 1), DropReason.MALFORMED),
        Arguments.of("slot request upside down", new SlotRequest(0, 1, 0, 5, 2), DropReason.MALFORMED),
        Arguments.of("transfer with a hole", new SlotTransfer(0, 1, 1, 1, Arrays.asList(one, null)), DropReason.MALFORMED),
        Arguments.of("transfer without batches", new SlotTransfer(0, 1, 1, 1, null), DropReason.MALFORMED),
        Arguments.of("transfer over its limit", new SlotTransfer(0, 1, 1, 1, List.of(oversized())), DropReason.OVERSIZED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidMessages")
  void invalidMessageIsDroppedCountedAndChangesNothing(String what, PeerMessage message, DropReason reason) {
    Recorder out = new Recorder();
    ReplicaCore core = new ReplicaCore(ReplicaCoreTest.config().build(), 0, out);
    core.tick(0);
    out.clear();
    core.receive(10, message);
    assertEquals(List.of(reason), out.drops);
    assertEquals(1, core.stats().dropped(reason));
    assertEquals(1, core.currentRound());
    assertEquals(0, core.commitIndex());
    for (int j = 0; j < 3; j++) {
      assertEquals(j == 0 ? 1 : 0, core.ownAck(j), "no slot was stored from " + what);
    }
    assertTrue(out.executed.isEmpty(), "nothing was executed");
    if (message.view() > core.view()) {
      // Traffic of a later view: this replica missed a StartView and asks the sender for it.
      assertEquals(1, out.sent.size());
      assertTrue(out.sent.get(0).message() instanceof ViewRequest);
      assertEquals(message.from(), out.sent.get(0).to());
    } else {
      assertTrue(out.sent.isEmpty(), "nothing was sent");
    }
  }
}
