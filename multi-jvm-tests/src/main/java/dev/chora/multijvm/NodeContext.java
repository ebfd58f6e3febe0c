package dev.chora.multijvm;

import dev.chora.actors.Chora;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;

/** A node as seen by a {@link NodeAction} running in its JVM. */
public interface NodeContext {

  /** The node's index in the cluster, which is its replica id. */
  int replicaId();

  /** The node's actor system (named {@code chora}, a member of the cluster). */
  ActorSystem<?> system();

  /** {@code Chora.get(system())}. */
  default Chora chora() {
    return Chora.get(system());
  }

  /**
   * Waits until every live node and the test have entered the barrier {@code name}, as the Pekko
   * multi-node testkit's {@code enterBarrier}; fails after {@code timeout}, or at once when a
   * participant dies.
   */
  void enterBarrier(String name, Duration timeout);

  /** {@link #enterBarrier(String, Duration)} with the cluster's barrier timeout (30 s by default). */
  void enterBarrier(String name);
}
