package dev.chora.multijvm.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.actors.StateDigest;
import dev.chora.actors.entity.EntityCommandNotDecodedException;
import dev.chora.multijvm.ChoraCluster;
import dev.chora.multijvm.ChoraClusterExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rolling upgrade that reached a client node before the replicas: the client sends a command
 * whose manifest the replicas' serializer does not know yet. That command fails its caller with
 * {@link EntityCommandNotDecodedException}; every replica refuses it alike and goes on serving.
 */
public class NewerClientTest {
  private static final String SERIALIZATION = String.join("\n",
      "pekko.actor.serializers.journal = \"" + VersionedSerializer.class.getName() + "\"",
      "pekko.actor.serialization-bindings {",
      "  \"" + Journal.Command.class.getName() + "\" = journal",
      "  \"" + Journal.Lines.class.getName() + "\" = journal",
      "}");

  @RegisterExtension
  static final ChoraClusterExtension CLUSTER =
      ChoraClusterExtension.of(Journal.Setup.class, b -> b.replicas(3).config(SERIALIZATION));

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void aCommandTheReplicasCannotDecodeFailsItsCallerAndTheGroupGoesOn() throws Exception {
    ChoraCluster cluster = CLUSTER.get();
    var journal = cluster.entityRefFor(Journal.KEY, "j");
    assertEquals(List.of("first"), journal.ask(new Journal.Append("first"), TIMEOUT).toCompletableFuture()
        .get(30, TimeUnit.SECONDS).lines());

    ExecutionException e = assertThrows(ExecutionException.class,
        () -> journal.ask(new Journal.Stamp("new"), TIMEOUT).toCompletableFuture().get(30, TimeUnit.SECONDS));
    assertInstanceOf(EntityCommandNotDecodedException.class, e.getCause(), "the caller hears why: " + e.getCause());
    String why = e.getCause().getMessage();
    for (String part : List.of("\"journal\"", VersionedSerializer.STAMP, String.valueOf(VersionedSerializer.ID),
        "newer than the replicas")) {
      assertTrue(why.contains(part), "\"" + part + "\" missing from: " + why);
    }

    // The group goes on: ordinary writes from the test JVM and from inside every replica's JVM.
    assertEquals(List.of("first", "second"), journal.ask(new Journal.Append("second"), TIMEOUT)
        .toCompletableFuture().get(30, TimeUnit.SECONDS).lines());
    for (int node = 0; node < cluster.size(); node++) {
      assertEquals(3 + node, cluster.node(node).ask(Journal.KEY, "j", new Journal.Append("from " + node), TIMEOUT)
          .lines().size(), "a write through replica " + node + "'s node");
    }
    cluster.awaitAllActive(Duration.ofSeconds(30));
    Map<Integer, StateDigest> digests = cluster.awaitConverged(Duration.ofSeconds(30), true);
    assertEquals(cluster.size(), digests.size(), "every replica answers: " + digests);
  }
}
