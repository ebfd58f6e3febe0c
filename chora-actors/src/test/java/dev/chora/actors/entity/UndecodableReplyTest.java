package dev.chora.actors.entity;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.actors.client.ClientGateway;
import dev.chora.runtime.message.ClientReply;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A reply this node cannot decode (a replica one version ahead, with a reply manifest this client
 * does not know) fails the ask at once, saying so, instead of leaving it to time out.
 */
class UndecodableReplyTest {
  static final ActorTestKit KIT = ActorTestKit.create();
  static final EntityTypeKey<String, String> KEY = EntityTypeKey.create("text", String.class, String.class);

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @Test
  void aReplyWithASerializerIdThisNodeDoesNotHaveFailsTheAsk() {
    TestProbe<ClientGateway.Ask> gateway = KIT.createTestProbe();
    EntityClient client = new EntityClient(KIT.system(), gateway.getRef(), 8, 16 * 1024);
    var ask = client.ask(KEY, "e", "put a", Duration.ofSeconds(30), false).toCompletableFuture();
    ClientGateway.Ask sent = gateway.expectMessageClass(ClientGateway.Ask.class);
    byte[] unknown = new Envelope("", "", 424242, "v9", new byte[] {1, 2, 3}).encode();
    sent.result().complete(ClientReply.ok(sent.request().clientId(), sent.request().seq(), unknown));

    ExecutionException e = assertThrows(ExecutionException.class, () -> ask.get(5, TimeUnit.SECONDS));
    String why = String.valueOf(e.getCause().getMessage());
    assertTrue(why.contains("text") && why.contains("424242"), "why: " + e.getCause());
  }
}
