package dev.chora.actors;

import dev.chora.runtime.spi.StateMachine;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The Chora extension of an actor system: {@code Chora.get(system)}. It reads and checks the
 * {@code chora} configuration once (a misconfigured node fails here, with every problem listed)
 * and starts this node's replica.
 *
 * <p>This is the first piece of the public API; replicated entity types declared once and asked
 * through {@code entityRefFor(key, id)} build on it.
 */
public final class Chora implements Extension {
  private static final Id ID = new Id();

  private final ActorSystem<?> system;
  private final ChoraSettings settings;
  private ActorRef<Object> replica;

  private Chora(ActorSystem<?> system) {
    this.system = system;
    this.settings = ChoraSettings.fromConfig(system.settings().config());
  }

  public static Chora get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  public ChoraSettings settings() {
    return settings;
  }

  /**
   * Starts this node's replica with the given state machine, on its pinned dispatcher, once.
   *
   * @throws IllegalStateException if this node has no replica id, or the replica runs already
   */
  public synchronized ActorRef<Object> startReplica(StateMachine stateMachine) {
    if (settings.replicaId() < 0) {
      throw new IllegalStateException("this node runs no replica: set chora.replica-id to its id in chora.replicas");
    }
    if (replica != null) {
      throw new IllegalStateException("replica " + settings.replicaId() + " runs already on this actor system");
    }
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < settings.replicas().size(); i++) {
      paths.add(settings.replicaPath(i));
    }
    replica = system.systemActorOf(
        ReplicaActor.create(settings.protocol(), settings.replicaId(), paths, stateMachine, settings.restarted()),
        settings.actorName(), DispatcherSelector.fromConfig("chora.replica-dispatcher"));
    return replica;
  }

  private static final class Id extends ExtensionId<Chora> {
    @Override
    public Chora createExtension(ActorSystem<?> system) {
      return new Chora(system);
    }
  }
}
