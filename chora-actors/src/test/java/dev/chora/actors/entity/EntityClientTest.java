package dev.chora.actors.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.actors.client.ChoraSessionExpiredException;
import dev.chora.actors.client.ClientGateway;
import dev.chora.runtime.message.ClientReply;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The client's sessions, against a probe standing in for the gateway. */
class EntityClientTest {
  static final ActorTestKit KIT = ActorTestKit.create();
  static final EntityTypeKey<String, String> KEY = EntityTypeKey.create("text", String.class, String.class);

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  /**
   * A read may be answered twice (the gateway resends an unanswered read to another replica, and
   * both answer), so the late copy of its reply must not match the next command of its session:
   * found by the fault campaign, where a get of one key returned the value of another.
   */
  @Test
  void theCommandAfterAReadOnTheSameSessionHasANewSeq() throws Exception {
    TestProbe<ClientGateway.Ask> gateway = KIT.createTestProbe();
    EntityClient client = new EntityClient(KIT.system(), gateway.getRef(), 8, 16 * 1024);

    var read = client.ask(KEY, "e", "get a", Duration.ofSeconds(5), true).toCompletableFuture();
    ClientGateway.Ask first = command(gateway, 11);
    first.result().complete(ClientReply.ok(first.request().clientId(), first.request().seq(), reply("value of a")));
    assertEquals("value of a", read.get(5, TimeUnit.SECONDS));

    client.ask(KEY, "e", "put b", Duration.ofSeconds(5), false);
    ClientGateway.Ask second = gateway.expectMessageClass(ClientGateway.Ask.class);
    assertEquals(first.request().clientId(), second.request().clientId(), "the session is reused");
    assertTrue(second.request().seq() > first.request().seq(),
        "a late copy of the read's reply would be taken for the put's: seq " + second.request().seq());
  }

  /** A command the replicas would refuse fails before it is sent, saying which setting it exceeds. */
  @Test
  void aCommandOverMaxRequestBytesFailsAtOnceAndIsNotSent() {
    TestProbe<ClientGateway.Ask> gateway = KIT.createTestProbe();
    EntityClient client = new EntityClient(KIT.system(), gateway.getRef(), 8, 1024);
    ExecutionException e = assertThrows(ExecutionException.class, () -> client.ask(KEY, "e", "x".repeat(2000),
        Duration.ofSeconds(5), false).toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof IllegalArgumentException
        && e.getCause().getMessage().contains("chora.protocol.max-request-bytes"), "why: " + e.getCause());
    gateway.expectNoMessage(Duration.ofMillis(100));
  }

  /** A timeout that cannot be used fails the ask and takes no in-flight permit for good. */
  @Test
  void badTimeoutsFailTheAskWithoutLeakingPermits() throws Exception {
    TestProbe<ClientGateway.Ask> gateway = KIT.createTestProbe();
    EntityClient client = new EntityClient(KIT.system(), gateway.getRef(), 2, 16 * 1024);
    for (Duration bad : new Duration[] {null, Duration.ZERO, Duration.ofSeconds(-1), ChronoUnit.FOREVER.getDuration()}) {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> client.ask(KEY, "e", "put", bad, false).toCompletableFuture().get(5, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof IllegalArgumentException, bad + ": " + e.getCause());
    }
    client.ask(KEY, "e", "put a", Duration.ofSeconds(5), false);
    client.ask(KEY, "e", "put b", Duration.ofSeconds(5), false);
    gateway.expectMessageClass(ClientGateway.Ask.class);
    gateway.expectMessageClass(ClientGateway.Ask.class);
  }

  /** When the gateway stops, waiting commands and every later one fail, instead of waiting for ever. */
  @Test
  void aStoppedGatewayFailsWaitingAndLaterCommands() {
    TestProbe<ClientGateway.Ask> gateway = KIT.createTestProbe();
    EntityClient client = new EntityClient(KIT.system(), gateway.getRef(), 8, 16 * 1024);
    var waiting = client.ask(KEY, "e", "put a", Duration.ofSeconds(30), false).toCompletableFuture();
    gateway.expectMessageClass(ClientGateway.Ask.class);
    client.gatewayStopped();
    for (var f : java.util.List.of(waiting,
        client.ask(KEY, "e", "put b", Duration.ofSeconds(30), false).toCompletableFuture())) {
      ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof IllegalStateException && e.getCause().getMessage().contains("stopped"),
          "why: " + e.getCause());
    }
  }

  /** An id no snapshot could hold is refused when the handle is made. */
  @Test
  void anEntityIdTooLongForASnapshotIsRefused() {
    TestProbe<ClientGateway.Ask> gateway = KIT.createTestProbe();
    EntityClient client = new EntityClient(KIT.system(), gateway.getRef(), 8, 16 * 1024);
    client.entityRefFor(KEY, "x".repeat(Envelope.MAX_NAME_CHARS));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> client.entityRefFor(KEY, "x".repeat(Envelope.MAX_NAME_CHARS + 1)));
    assertTrue(e.getMessage().contains("at most 16384"), e.getMessage());
  }

  /** A reply the transport cannot carry is reported as such: the command was applied. */
  @Test
  void aReplyTooLargeIsReportedAsApplied() {
    TestProbe<ClientGateway.Ask> gateway = KIT.createTestProbe();
    EntityClient client = new EntityClient(KIT.system(), gateway.getRef(), 8, 16 * 1024);
    var f = client.ask(KEY, "e", "get all", Duration.ofSeconds(5), false).toCompletableFuture();
    ClientGateway.Ask a = command(gateway, 12);
    a.result().complete(ClientReply.refused(a.request().clientId(), a.request().seq(),
        ClientReply.Status.REPLY_TOO_LARGE));
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains("was applied"), "why: " + e.getCause());
  }

  /**
   * The next command the client asks the gateway for, in session {@code sessionId}: a client with no
   * idle session first opens one, answered here with that id.
   */
  private static ClientGateway.Ask command(TestProbe<ClientGateway.Ask> gateway, long sessionId) {
    ClientGateway.Ask opening = gateway.expectMessageClass(ClientGateway.Ask.class);
    assertTrue(opening.request().opensSession() && opening.request().clientId() < 0,
        "a session is opened first, at a negative reply address: " + opening.request());
    opening.result().complete(ClientReply.sessionOpened(opening.request().clientId(), sessionId));
    ClientGateway.Ask command = gateway.expectMessageClass(ClientGateway.Ask.class);
    assertEquals(sessionId, command.request().clientId(), "the command goes in the opened session");
    return command;
  }

  /**
   * A command refused as of an expired session on every attempt was not applied: it goes once more
   * in a new session. One that may have applied fails, saying so, and is not sent again.
   */
  @Test
  void aCommandOfAnExpiredSessionGoesOnceMoreInANewOneOnlyIfCertainlyNotApplied() throws Exception {
    TestProbe<ClientGateway.Ask> gateway = KIT.createTestProbe();
    EntityClient client = new EntityClient(KIT.system(), gateway.getRef(), 8, 16 * 1024);
    var renewed = client.ask(KEY, "e", "put a", Duration.ofSeconds(30), false).toCompletableFuture();
    ClientGateway.Ask first = command(gateway, 21);
    first.result().completeExceptionally(new ChoraSessionExpiredException(21, false));
    ClientGateway.Ask again = command(gateway, 22);
    assertEquals(first.request().command().length, again.request().command().length, "the same command");
    again.result().complete(ClientReply.ok(22, again.request().seq(), reply("done")));
    assertEquals("done", renewed.get(5, TimeUnit.SECONDS));

    var unknown = client.ask(KEY, "e", "put b", Duration.ofSeconds(30), false).toCompletableFuture();
    ClientGateway.Ask sent = gateway.expectMessageClass(ClientGateway.Ask.class);
    assertEquals(22, sent.request().clientId(), "the idle session is reused");
    sent.result().completeExceptionally(new ChoraSessionExpiredException(22, true));
    ExecutionException e = assertThrows(ExecutionException.class, () -> unknown.get(5, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof ChoraSessionExpiredException expired && expired.mayHaveApplied(),
        "why: " + e.getCause());
    gateway.expectNoMessage(Duration.ofMillis(200));
  }

  private static byte[] reply(String value) {
    Serializer s = SerializationExtension.get(KIT.system()).findSerializerFor(value);
    return new Envelope("", "", s.identifier(), Serializers.manifestFor(s, value), s.toBinary(value)).encode();
  }

  /**
   * A reply this node cannot decode (a replica one version ahead, with a reply manifest this client
   * does not know) fails the ask at once, saying so, instead of leaving it to time out.
   */
  @Test
  void aReplyWithASerializerIdThisNodeDoesNotHaveFailsTheAsk() {
    TestProbe<ClientGateway.Ask> gateway = KIT.createTestProbe();
    EntityClient client = new EntityClient(KIT.system(), gateway.getRef(), 8, 16 * 1024);
    var ask = client.ask(KEY, "e", "put a", Duration.ofSeconds(30), false).toCompletableFuture();
    ClientGateway.Ask sent = command(gateway, 13);
    byte[] unknown = new Envelope("", "", 424242, "v9", new byte[] {1, 2, 3}).encode();
    sent.result().complete(ClientReply.ok(sent.request().clientId(), sent.request().seq(), unknown));

    ExecutionException e = assertThrows(ExecutionException.class, () -> ask.get(5, TimeUnit.SECONDS));
    String why = String.valueOf(e.getCause().getMessage());
    assertTrue(why.contains("text") && why.contains("424242"), "why: " + e.getCause());
  }
}
