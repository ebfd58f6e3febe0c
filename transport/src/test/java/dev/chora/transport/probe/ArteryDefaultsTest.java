package dev.chora.transport.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.chora.transport.launch.ArteryTransport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Props;
import org.junit.jupiter.api.Test;

/**
 * The Artery settings of reference.conf, checked against a real Artery (tcp, in this JVM): a
 * transfer-sized message reaches the replica's path, because that path is a large-message
 * destination, while the same message to an ordinary path exceeds the ordinary frame size.
 */
class ArteryDefaultsTest {

  private static final int TRANSFER_SIZED = 1024 * 1024 + 64 * 1024; // a 1 MiB chunk plus slack

  @Test
  void referenceConfDefaults() {
    Config c = ConfigFactory.load();
    assertEquals("aeron-udp", c.getString("pekko.remote.artery.transport"));
    assertEquals(List.of("/system/chora-replica", "/system/chora-replica/*"),
        c.getStringList("pekko.remote.artery.large-message-destinations"));
    assertTrue(c.getBytes("pekko.remote.artery.advanced.maximum-frame-size") >= 64 * 1024 + 4096);
    assertTrue(c.getBytes("pekko.remote.artery.advanced.maximum-large-frame-size") >= 2L * 1024 * 1024);
    assertEquals("local", c.getString("pekko.actor.provider"), "the provider is not set by chora-transport");
  }

  @Test
  void transferSizedMessagesReachTheReplicaPathOnly() throws Exception {
    ActorSystem a = system(ArteryTransport.freePort());
    ActorSystem b = null;
    try {
      b = system(ArteryTransport.freePort());
      LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
      ((ExtendedActorSystem) b).systemActorOf(Props.create(Sink.class, received, "replica"), "chora-replica");
      b.actorOf(Props.create(Sink.class, received, "plain"), "plain");
      String address = ((ExtendedActorSystem) b).provider().getDefaultAddress().toString();
      // Resolved refs: messages through an ActorSelection never take the large stream.
      ActorRef replica = resolve(a, address + "/system/chora-replica");
      ActorRef plain = resolve(a, address + "/user/plain");

      replica.tell(new byte[TRANSFER_SIZED], ActorRef.noSender());
      assertEquals("replica " + TRANSFER_SIZED, received.poll(30, TimeUnit.SECONDS));

      plain.tell(new byte[TRANSFER_SIZED], ActorRef.noSender()); // over maximum-frame-size: dropped
      plain.tell(new byte[64], ActorRef.noSender());
      assertEquals("plain 64", received.poll(30, TimeUnit.SECONDS), "the oversized one never arrives");
    } finally {
      terminate(a);
      if (b != null) {
        terminate(b);
      }
    }
  }

  private static ActorSystem system(int port) {
    Config c = ArteryTransport.tcp(port)
        .withFallback(ConfigFactory.parseString("pekko.actor.provider = remote\npekko.loglevel = WARNING"))
        .withFallback(ConfigFactory.load());
    return ActorSystem.create("defaults", c);
  }

  private static ActorRef resolve(ActorSystem s, String path) throws Exception {
    return s.actorSelection(path).resolveOne(Duration.ofSeconds(20)).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static void terminate(ActorSystem s) throws Exception {
    s.terminate();
    s.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Reports what arrived, by label and size. */
  static final class Sink extends AbstractActor {
    private final LinkedBlockingQueue<String> received;
    private final String label;

    Sink(LinkedBlockingQueue<String> received, String label) {
      this.received = received;
      this.label = label;
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder().match(byte[].class, m -> received.add(label + " " + m.length)).build();
    }
  }
}
