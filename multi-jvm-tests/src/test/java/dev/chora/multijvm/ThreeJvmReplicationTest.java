package dev.chora.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.chora.actors.StateDigest;
import dev.chora.actors.entity.EntityRef;
import dev.chora.examples.ExampleEntities;
import dev.chora.examples.counter.Add;
import dev.chora.examples.counter.Total;
import dev.chora.transport.launch.ArteryTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The first multi-JVM test (issue 5): three replica JVMs on this machine over aeron-udp with one
 * shared media driver, a few thousand commands, and every replica ends with the same state digest.
 */
class ThreeJvmReplicationTest {
  private static final int COUNTERS = 8;
  private static final int COMMANDS = 4000;
  private static final int IN_FLIGHT = 64;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void threeReplicaJvmsExecuteTheSameCommands() throws Exception {
    long started = System.nanoTime();
    try (ChoraCluster cluster = ChoraCluster.builder(ExamplesSetup.class).replicas(3)
        .transport(ArteryTransport.Kind.AERON_SHARED).name("ThreeJvmReplicationTest").start()) {
      long up = System.nanoTime();
      List<EntityRef<Add, Total>> counters = new ArrayList<>();
      for (int c = 0; c < COUNTERS; c++) {
        counters.add(cluster.entityRefFor(ExampleEntities.COUNTER, "counter-" + c));
      }
      Semaphore window = new Semaphore(IN_FLIGHT);
      List<CompletableFuture<Total>> replies = new ArrayList<>();
      for (int i = 0; i < COMMANDS; i++) {
        window.acquire();
        CompletableFuture<Total> f = counters.get(i % COUNTERS).ask(new Add(1), Duration.ofSeconds(20))
            .toCompletableFuture();
        f.whenComplete((t, e) -> window.release());
        replies.add(f);
      }
      CompletableFuture.allOf(replies.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
      long loaded = System.nanoTime();

      for (int c = 0; c < COUNTERS; c++) {
        Total t = counters.get(c).ask(new Add(0), Duration.ofSeconds(10)).toCompletableFuture().get();
        assertEquals(COMMANDS / COUNTERS, t.value(), "counter-" + c);
      }
      Map<Integer, StateDigest> digests = cluster.awaitConverged(Duration.ofSeconds(20), true);
      assertEquals(1, digests.values().stream().map(StateDigest::executedRound).distinct().count());
      ChoraCluster.log("digests " + digests + "; statuses " + cluster.statuses());
      ChoraCluster.log(String.format("start %.1f s, %d commands in %.1f s (%.0f/s)", (up - started) / 1e9, COMMANDS,
          (loaded - up) / 1e9, COMMANDS / ((loaded - up) / 1e9)));
    }
  }
}
