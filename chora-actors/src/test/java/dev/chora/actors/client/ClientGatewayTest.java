package dev.chora.actors.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.message.ClientBatch;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The gateway against probes standing in for the replicas. */
class ClientGatewayTest {
  static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  /**
   * Many large commands asked at once must not make one batch larger than the transport's frame
   * (it would be dropped, and every retry with it): the gateway sends them as several batches, each
   * within max-batch-bytes, and loses none.
   */
  @Test
  void aBacklogOfLargeCommandsGoesOutInBatchesWithinMaxBatchBytes() {
    List<TestProbe<Object>> replicas = List.of(KIT.createTestProbe(), KIT.createTestProbe(), KIT.createTestProbe());
    ActorRefResolver resolver = ActorRefResolver.get(KIT.system());
    List<String> paths = new ArrayList<>();
    replicas.forEach(r -> paths.add(resolver.toSerializationFormat(r.getRef())));
    int maxBatchBytes = 64 * 1024;
    ActorRef<Object> gateway = KIT.spawn(ClientGateway.create(new ClientGateway.Settings(0, paths,
        Duration.ofSeconds(30), Duration.ofMillis(5), Duration.ofSeconds(1), maxBatchBytes)));

    int commands = 100;
    int commandBytes = 10_000;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (int i = 0; i < commands; i++) {
      gateway.tell(new ClientGateway.Ask(new Request(1_000 + i, 1, new byte[commandBytes]), false, deadline,
          new CompletableFuture<ClientReply>()));
    }

    Set<Long> received = new HashSet<>();
    int batches = 0;
    while (received.size() < commands) {
      ClientBatch batch = replicas.get(0).expectMessageClass(ClientBatch.class, Duration.ofSeconds(5));
      batches++;
      int bytes = 0;
      for (Request r : batch.requests()) {
        bytes += r.command().length + ClientGateway.REQUEST_OVERHEAD_BYTES;
        assertTrue(received.add(r.clientId()), "client " + r.clientId() + " sent once");
      }
      assertTrue(bytes <= maxBatchBytes, "batch " + batches + " carries " + bytes + " bytes, over " + maxBatchBytes);
    }
    assertEquals(commands, received.size());
    assertTrue(batches >= commands * (commandBytes + ClientGateway.REQUEST_OVERHEAD_BYTES) / maxBatchBytes,
        batches + " batches");
    replicas.get(1).expectNoMessage(Duration.ofMillis(50));
  }
}
