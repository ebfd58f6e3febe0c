package dev.chora.examples.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/** What a client node says once Pekko has shut it down, instead of the scheduler's own error. */
class ClientNodeTest {
  @Test
  void aNodeShutDownByTheClusterSaysSoAndWhy() throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "client-node-test",
        ConfigFactory.parseString("pekko.actor.provider = local\npekko.loglevel = ERROR").withFallback(ConfigFactory.load()));
    try {
      assertEquals(Optional.empty(), ClientNode.whyStopped(system), "a running node has not stopped");
      // What the cluster does to a member it downs (Pekko's own reason for that shutdown).
      CoordinatedShutdown.get(system).run(CoordinatedShutdown.clusterDowningReason());
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      String why = ClientNode.whyStopped(system).orElseThrow();
      assertTrue(why.contains("was shut down by Pekko") && why.contains("the cluster downed it")
          && why.contains("acceptable-heartbeat-pause"), why);
    } finally {
      system.terminate();
    }
  }

  @Test
  void aNodeTerminatedForAnotherReasonNamesIt() throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "client-node-test",
        ConfigFactory.parseString("pekko.actor.provider = local\npekko.loglevel = ERROR").withFallback(ConfigFactory.load()));
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    String why = ClientNode.whyStopped(system).orElseThrow();
    assertTrue(why.contains("was shut down by Pekko") && why.contains("its actor system was terminated"), why);
  }
}
