package dev.chora.actors.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.actors.client.ClientGateway;
import dev.chora.runtime.message.ClientReply;
import java.time.Duration;
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
    TestProbe<Object> gateway = KIT.createTestProbe();
    EntityClient client = new EntityClient(KIT.system(), gateway.getRef(), 8);

    var read = client.ask(KEY, "e", "get a", Duration.ofSeconds(5), true).toCompletableFuture();
    ClientGateway.Ask first = gateway.expectMessageClass(ClientGateway.Ask.class);
    first.result().complete(ClientReply.ok(first.request().clientId(), first.request().seq(), reply("value of a")));
    assertEquals("value of a", read.get(5, TimeUnit.SECONDS));

    client.ask(KEY, "e", "put b", Duration.ofSeconds(5), false);
    ClientGateway.Ask second = gateway.expectMessageClass(ClientGateway.Ask.class);
    assertEquals(first.request().clientId(), second.request().clientId(), "the session is reused");
    assertTrue(second.request().seq() > first.request().seq(),
        "a late copy of the read's reply would be taken for the put's: seq " + second.request().seq());
  }

  private static byte[] reply(String value) {
    Serializer s = SerializationExtension.get(KIT.system()).findSerializerFor(value);
    return new Envelope("", "", s.identifier(), Serializers.manifestFor(s, value), s.toBinary(value)).encode();
  }
}
