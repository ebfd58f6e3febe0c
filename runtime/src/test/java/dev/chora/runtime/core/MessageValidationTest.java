package dev.chora.runtime.core;

import static dev.chora.runtime.core.Messages.ack;
import static dev.chora.runtime.core.Messages.round;
import static dev.chora.runtime.core.Messages.slotRequest;
import static dev.chora.runtime.core.Messages.slotTransfer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.PeerMessage;
import dev.chora.runtime.message.Request;
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
        Arguments.of("unknown sender", round(1).from(7).acks(0, 1, 0).build(), DropReason.UNKNOWN_SENDER),
        Arguments.of("negative sender", ack(1).from(-1).acks(0, 1, 0).build(), DropReason.UNKNOWN_SENDER),
        Arguments.of("own id", round(1).from(0).batch(one).acks(1, 0, 0).build(), DropReason.UNKNOWN_SENDER),
        Arguments.of("older view", round(1).inView(-1).from(1).batch(one).acks(0, 1, 0).build(), DropReason.WRONG_VIEW),
        Arguments.of("newer view", round(1).inView(3).from(1).batch(one).acks(0, 1, 0).build(), DropReason.WRONG_VIEW),
        Arguments.of("short ack vector", round(1).from(1).batch(one).acks(0, 1).build(), DropReason.MALFORMED),
        Arguments.of("missing ack vector", round(1).from(1).batch(one).acks((long[]) null).build(), DropReason.MALFORMED),
        Arguments.of("missing batch", round(1).from(1).batch(null).acks(0, 1, 0).build(), DropReason.MALFORMED),
        Arguments.of("negative ack", round(1).from(1).batch(one).acks(-5, 1, 0).build(), DropReason.MALFORMED),
        Arguments.of("impossible ack", round(1).from(1).batch(one).acks(0, 1_000_000, 0).build(), DropReason.MALFORMED),
        Arguments.of("round zero", round(0).from(1).batch(one).acks(0, 0, 0).build(), DropReason.MALFORMED),
        Arguments.of("oversized batch", round(1).from(1).batch(oversized()).acks(0, 1, 0).build(), DropReason.OVERSIZED),
        Arguments.of("beyond the window", round(500).from(1).batch(one).acks(0, 500, 0).build(), DropReason.OUT_OF_WINDOW),
        Arguments.of("heartbeat with bad vector", ack(1).from(1).acks(0, 1, 0, 0).build(), DropReason.MALFORMED),
        Arguments.of("slot request for no proposer", slotRequest(9, 1, 1).from(1).build(), DropReason.MALFORMED),
        Arguments.of("slot request upside down", slotRequest(0, 5, 2).from(1).build(), DropReason.MALFORMED),
        Arguments.of("transfer with a hole", slotTransfer(1, 1).from(1).batches(Arrays.asList(one, null)).build(), DropReason.MALFORMED),
        Arguments.of("transfer without batches", slotTransfer(1, 1).from(1).batches(null).build(), DropReason.MALFORMED),
        Arguments.of("transfer over its limit", slotTransfer(1, 1).from(1).batches(List.of(oversized())).build(), DropReason.OVERSIZED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidMessages")
  void invalidMessageIsDroppedCountedAndChangesNothing(String what, PeerMessage message, DropReason reason) {
    Recorder out = new Recorder();
    ReplicaCore core = new ReplicaCore(CoreFixture.config().build(), 0, out);
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
