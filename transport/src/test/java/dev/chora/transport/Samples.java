package dev.chora.transport;

import dev.chora.runtime.message.AckMessage;
import dev.chora.runtime.message.ForwardRefused;
import dev.chora.runtime.message.ForwardedRequest;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.ClientBatch;
import dev.chora.runtime.message.ClientReplies;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.DoViewChange;
import dev.chora.runtime.message.ReadRequest;
import dev.chora.runtime.message.Recovery;
import dev.chora.runtime.message.RecoveryResponse;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.message.RoundMessage;
import dev.chora.runtime.message.RoundSlots;
import dev.chora.runtime.message.SlotRequest;
import dev.chora.runtime.message.SlotTransfer;
import dev.chora.runtime.message.StartView;
import dev.chora.runtime.message.StartViewChange;
import dev.chora.runtime.message.StateRequest;
import dev.chora.runtime.message.StateTransfer;
import dev.chora.runtime.message.ViewRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Realistic messages of every wire class, built from a seed so failures reproduce. */
final class Samples {
  private Samples() {}

  static byte[] bytes(Random rnd, int length) {
    byte[] b = new byte[length];
    rnd.nextBytes(b);
    return b;
  }

  static Request request(Random rnd, int maxCommand) {
    return new Request(rnd.nextLong(), rnd.nextInt(1_000_000), bytes(rnd, rnd.nextInt(maxCommand + 1)));
  }

  static Batch batch(Random rnd, int requests, int maxCommand) {
    List<Request> list = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      list.add(request(rnd, maxCommand));
    }
    return Batch.of(list);
  }

  static long[] acks(Random rnd, int replicas) {
    long[] a = new long[replicas];
    for (int j = 0; j < replicas; j++) {
      a[j] = 1000 + rnd.nextInt(50);
    }
    return a;
  }

  /** A round of 5 replicas; proposer 3 is outside the active set and slot 1 is not held. */
  static RoundSlots roundSlots(Random rnd, long round, long tag) {
    Batch[] slots = {batch(rnd, 3, 64), null, Batch.EMPTY, null, batch(rnd, 1, 300)};
    return new RoundSlots(round, 0b10111, tag, slots);
  }

  static List<RoundSlots> rounds(Random rnd, long first, int count, long tag) {
    List<RoundSlots> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      list.add(roundSlots(rnd, first + i, tag));
    }
    return List.copyOf(list);
  }

  /** Every wire class at least once, with edge values (nulls, empties, extremes, large payloads). */
  static Map<String, Object> all() {
    Random rnd = new Random(42);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("RoundMessage", new RoundMessage(7, 1234, 2, batch(rnd, 20, 200), acks(rnd, 5), 1200, 1024,
        rnd.nextLong()));
    m.put("RoundMessage empty batch", new RoundMessage(7, 1235, 0, Batch.EMPTY, acks(rnd, 3), 0));
    m.put("RoundMessage big batch", new RoundMessage(9, 5, 4, batch(rnd, 500, 2000), acks(rnd, 9), 4));
    m.put("AckMessage", new AckMessage(7, 1234, 3, acks(rnd, 5), 1199, 1024, rnd.nextLong()));
    m.put("AckMessage extremes", new AckMessage(Long.MAX_VALUE, Long.MIN_VALUE, Integer.MIN_VALUE,
        new long[] {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE}, -1, Long.MAX_VALUE, Long.MIN_VALUE));
    m.put("SlotRequest", new SlotRequest(7, 1, 4, 1000, 1010));
    m.put("SlotTransfer", new SlotTransfer(7, 4, 4, 1000,
        List.of(batch(rnd, 2, 50), Batch.EMPTY, batch(rnd, 7, 500))));
    m.put("SlotTransfer empty", new SlotTransfer(7, 4, 4, 1000, List.of()));
    m.put("StartViewChange", new StartViewChange(8, 1, 6));
    m.put("DoViewChange", new DoViewChange(8, 2, 7, 1190, rounds(rnd, 1191, 12, 7)));
    m.put("DoViewChange committed tag", new DoViewChange(8, 2, 7, 1190,
        rounds(rnd, 1191, 2, RoundSlots.COMMITTED)));
    m.put("DoViewChange no rounds", new DoViewChange(8, 0, 7, 1300, List.of()));
    m.put("DoViewChange part", new DoViewChange(8, 2, 7, 1190, 2, 3, rounds(rnd, 1203, 6, 7)));
    m.put("StartView", new StartView(8, 3, 0b11011, 1210, 1190, 2, rounds(rnd, 1191, 19, 8)));
    m.put("StartView initial", new StartView(0, 0, 0b11111, 1, 0, 0, List.of()));
    m.put("StartView part", new StartView(8, 3, 0b11011, 1210, 1190, 2, 1, 2, rounds(rnd, 1201, 9, 8)));
    m.put("ViewRequest", new ViewRequest(8, 4));
    m.put("StateRequest", new StateRequest(8, 4, 900, 850, -1, 0));
    m.put("StateRequest resume", new StateRequest(8, 4, 900, 850, 870, 1 << 20));
    m.put("StateTransfer rounds", StateTransfer.rounds(8, 1, rounds(rnd, 900, 30, RoundSlots.COMMITTED)));
    m.put("StateTransfer snapshot chunk", new StateTransfer(8, 1, null, 870, 3 << 20, 1 << 20,
        bytes(rnd, 1 << 20)));
    m.put("StateTransfer empty chunk", new StateTransfer(8, 1, null, 870, 0, 0, new byte[0]));
    m.put("Recovery", new Recovery(-1, 3, rnd.nextLong(), -1));
    m.put("Recovery fenced", new Recovery(-1, 3, rnd.nextLong(), 12));
    m.put("RecoveryResponse", new RecoveryResponse(12, 0, rnd.nextLong()));
    m.put("ForwardedRequest", new ForwardedRequest(12, 2, request(rnd, 100)));
    m.put("ForwardedRequest opens a session", new ForwardedRequest(12, 1, Request.openSession(-77)));
    m.put("ForwardedRequest extremes", new ForwardedRequest(Long.MAX_VALUE, Integer.MIN_VALUE,
        new Request(Long.MIN_VALUE, Long.MAX_VALUE, new byte[0])));
    m.put("ForwardRefused", new ForwardRefused(12, 0, 99, 17, ClientReply.Status.OVERLOADED));
    m.put("ForwardRefused extremes", new ForwardRefused(Long.MIN_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE,
        Long.MIN_VALUE, ClientReply.Status.NOT_ACTIVE));
    m.put("Request", request(rnd, 100));
    m.put("Request large", new Request(99, 3, bytes(rnd, 256 * 1024)));
    m.put("Request empty command", new Request(99, 4, new byte[0]));
    m.put("ReadRequest", new ReadRequest(5, 17, bytes(rnd, 40)));
    m.put("ReadRequest empty query", new ReadRequest(5, 18, new byte[0]));
    m.put("ClientReply OK", ClientReply.ok(5, 17, bytes(rnd, 4000)));
    for (ClientReply.Status s : ClientReply.Status.values()) {
      if (s != ClientReply.Status.OK) {
        m.put("ClientReply " + s, ClientReply.refused(5, 19, s));
      }
    }
    m.put("ClientReply null result", new ClientReply(5, 20, ClientReply.Status.OK, null));
    m.put("ClientBatch", new ClientBatch("pekko://chora@127.0.0.1:25520/system/chora-gateway#123",
        batch(rnd, 30, 64).requests(), List.of(new ReadRequest(5, 17, bytes(rnd, 40)))));
    m.put("ClientBatch empty", new ClientBatch("", List.of(), List.of()));
    m.put("ClientReplies", new ClientReplies(12, 0b101, List.of(ClientReply.ok(5, 17, bytes(rnd, 40)),
        ClientReply.refused(6, 1, ClientReply.Status.NOT_ACTIVE), new ClientReply(7, 2, ClientReply.Status.OK, null))));
    m.put("ClientReplies empty", new ClientReplies(0, 0, List.of()));
    m.put("Batch", batch(rnd, 10, 100));
    m.put("Batch empty", Batch.EMPTY);
    m.put("RoundSlots", roundSlots(rnd, 77, 3));
    m.put("RoundSlots no slots", new RoundSlots(78, 0, 3, new Batch[0]));
    return m;
  }

  /** A small random message of a random kind, for many-message tests. */
  static Object random(Random rnd) {
    long view = rnd.nextInt(100);
    int from = rnd.nextInt(5);
    return switch (rnd.nextInt(8)) {
      case 0 -> new RoundMessage(view, rnd.nextInt(1 << 20), from, batch(rnd, rnd.nextInt(4), 64),
          acks(rnd, 5), rnd.nextInt(1 << 20));
      case 1 -> new AckMessage(view, rnd.nextInt(1 << 20), from, acks(rnd, 5), rnd.nextInt(1 << 20));
      case 2 -> new SlotTransfer(view, from, rnd.nextInt(5), rnd.nextInt(1000),
          List.of(batch(rnd, 1, 16), batch(rnd, 2, 16)));
      case 3 -> new DoViewChange(view, from, view - 1, rnd.nextInt(1000), rounds(rnd, 10, rnd.nextInt(3), view));
      case 4 -> request(rnd, 128);
      case 5 -> new ReadRequest(rnd.nextLong(), rnd.nextInt(), bytes(rnd, rnd.nextInt(32)));
      case 6 -> ClientReply.ok(rnd.nextLong(), rnd.nextInt(), bytes(rnd, rnd.nextInt(64)));
      default -> new StateRequest(view, from, rnd.nextInt(1000), rnd.nextInt(1000), -1, 0);
    };
  }
}
