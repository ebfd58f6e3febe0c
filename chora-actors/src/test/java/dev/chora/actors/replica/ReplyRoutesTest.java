package dev.chora.actors.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.core.ReplicaCore;
import dev.chora.runtime.message.ClientReplies;
import dev.chora.runtime.message.ClientReply;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Replies leave in messages that fit the transport's frame, or say why they cannot. */
class ReplyRoutesTest {
  static final ActorTestKit KIT = ActorTestKit.create();
  static final int FRAME = 32 * 1024;

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @Test
  void oneStepsRepliesToAGatewayAreSplitIntoMessagesThatFitAFrame() {
    TestProbe<ClientReplies> gateway = KIT.createTestProbe();
    ReplyRoutes routes = new ReplyRoutes(1_000, FRAME);
    ReplyRoutes.Sink sink = routes.newSink();
    int clients = 40;
    for (long c = 1; c <= clients; c++) {
      routes.put(c, 1, new ReplyRoutes.Route(gateway.getRef(), null), 0);
      sink.reply(ClientReply.ok(c, 1, new byte[3_000]));
    }
    sink.flush();

    Set<Long> answered = new HashSet<>();
    int messages = 0;
    while (answered.size() < clients) {
      ClientReplies m = gateway.expectMessageClass(ClientReplies.class, Duration.ofSeconds(5));
      messages++;
      int bytes = 0;
      for (ClientReply r : m.replies()) {
        assertEquals(ClientReply.Status.OK, r.status());
        assertTrue(answered.add(r.clientId()), "client " + r.clientId() + " answered once");
        bytes += r.result().length + ReplyRoutes.REPLY_OVERHEAD_BYTES;
      }
      assertTrue(bytes <= FRAME - ReplyRoutes.ENVELOPE_HEADROOM_BYTES, "message " + messages + ": " + bytes + " bytes");
    }
    assertTrue(messages >= clients * 3_000 / FRAME, messages + " messages");
    gateway.expectNoMessage(Duration.ofMillis(50));
    assertEquals(0, routes.size(), "every answered route is removed");
  }

  @Test
  void aReplyThatCanNeverFitAFrameIsAnsweredReplyTooLarge() {
    TestProbe<ClientReplies> gateway = KIT.createTestProbe();
    TestProbe<ClientReply> single = KIT.createTestProbe();
    ReplyRoutes routes = new ReplyRoutes(1_000, FRAME);
    ReplyRoutes.Sink sink = routes.newSink();
    routes.put(1, 5, new ReplyRoutes.Route(gateway.getRef(), null), 0);
    routes.put(2, 6, new ReplyRoutes.Route(null, single.getRef()), 0);
    routes.put(3, 7, new ReplyRoutes.Route(gateway.getRef(), null), 0);
    sink.reply(ClientReply.ok(1, 5, new byte[FRAME]));
    sink.reply(ClientReply.ok(2, 6, new byte[FRAME]));
    sink.reply(ClientReply.ok(3, 7, new byte[10]));
    sink.flush();

    ClientReplies m = gateway.expectMessageClass(ClientReplies.class);
    assertEquals(2, m.replies().size());
    assertEquals(ClientReply.refused(1, 5, ClientReply.Status.REPLY_TOO_LARGE).status(), m.replies().get(0).status());
    assertEquals(5, m.replies().get(0).seq());
    assertEquals(ClientReply.Status.OK, m.replies().get(1).status());
    ClientReply r = single.receiveMessage();
    assertEquals(ClientReply.Status.REPLY_TOO_LARGE, r.status());
    assertEquals(6, r.seq());
  }

  /** A late answer to a client's earlier request must not take the route of the request it waits for now. */
  @Test
  void aLateAnswerLeavesTheRouteOfTheClientsNextRequest() {
    TestProbe<ClientReplies> gateway = KIT.createTestProbe();
    ReplyRoutes routes = new ReplyRoutes(1_000, FRAME);
    ReplyRoutes.Sink sink = routes.newSink();
    ReplyRoutes.Route route = new ReplyRoutes.Route(gateway.getRef(), null);
    routes.put(9, 1, route, 0);
    routes.put(9, 2, route, 0); // the client was answered elsewhere and sent its next request here
    sink.reply(ClientReply.ok(9, 1, new byte[1]));
    sink.flush();
    gateway.expectNoMessage(Duration.ofMillis(50));
    assertEquals(1, routes.size(), "the route of seq 2 stays");
    sink.reply(ClientReply.ok(9, 2, new byte[1]));
    sink.flush();
    assertEquals(2, gateway.expectMessageClass(ClientReplies.class).replies().get(0).seq());
    assertEquals(0, routes.size());
  }

  /** A full table refuses new clients, but first forgets routes nobody can still be waiting on. */
  @Test
  void aFullTableForgetsStaleRoutesBeforeRefusingANewClient() {
    TestProbe<ClientReplies> gateway = KIT.createTestProbe();
    ReplyRoutes routes = new ReplyRoutes(2, FRAME);
    ReplyRoutes.Route route = new ReplyRoutes.Route(gateway.getRef(), null);
    long s = ReplyRoutes.STALE_ROUTE_NANOS;
    long t0 = 5_000_000_000L;
    assertTrue(routes.put(1, 1, route, t0));
    assertTrue(routes.put(2, 1, route, t0));
    assertFalse(routes.put(3, 1, route, t0 + s), "full, and no route is older than the limit yet");
    assertFalse(routes.put(3, 1, route, t0 + s + 2), "full; the next sweep waits a second");
    assertTrue(routes.put(1, 2, route, t0 + 2 * s), "a waiting client's next request always finds its place");
    assertTrue(routes.put(3, 1, route, t0 + 2 * s + 1), "client 2's route is stale now and is forgotten");
    assertEquals(2, routes.size());
    ReplyRoutes.Sink sink = routes.newSink();
    sink.reply(ClientReply.ok(2, 1, new byte[1]));
    sink.reply(ClientReply.ok(1, 2, new byte[1]));
    sink.flush();
    ClientReplies m = gateway.expectMessageClass(ClientReplies.class);
    assertEquals(1, m.replies().size(), "only client 1, still routed, is answered");
    assertEquals(1, m.replies().get(0).clientId());
  }

  /**
   * Replies carry an installed view and its own active set, never a view under way with the old
   * one: a client hearing (8, old set) would take the later (8, new set) for old news.
   */
  @Test
  void repliesCarryOnlyInstalledViewsWithTheirActiveSets() {
    TestProbe<ClientReplies> gateway = KIT.createTestProbe();
    ReplyRoutes routes = new ReplyRoutes(1_000, FRAME);

    routes.viewChanged(-1, ReplicaCore.Status.RECOVERING, 0); // a restarted replica, no view yet
    assertEquals(-1, answerOnce(routes, gateway, 1).view(), "no view installed: older than any a client has heard");

    routes.viewChanged(7, ReplicaCore.Status.NORMAL, 0b101);
    routes.viewChanged(8, ReplicaCore.Status.VIEW_CHANGE, 0b101); // view 8 under way, old set
    ClientReplies m = answerOnce(routes, gateway, 2);
    assertEquals(7, m.view());
    assertEquals(0b101, m.activeSet());

    routes.viewChanged(8, ReplicaCore.Status.NORMAL, 0b111);
    m = answerOnce(routes, gateway, 3);
    assertEquals(8, m.view());
    assertEquals(0b111, m.activeSet());
  }

  /** Routes request {@code seq} of client 1 to {@code gateway}, answers it, and returns what arrives. */
  private static ClientReplies answerOnce(ReplyRoutes routes, TestProbe<ClientReplies> gateway, long seq) {
    ReplyRoutes.Sink sink = routes.newSink();
    routes.put(1, seq, new ReplyRoutes.Route(gateway.getRef(), null), 0);
    sink.reply(ClientReply.ok(1, seq, new byte[1]));
    sink.flush();
    return gateway.expectMessageClass(ClientReplies.class);
  }
}
