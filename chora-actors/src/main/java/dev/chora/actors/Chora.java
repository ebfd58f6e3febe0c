package dev.chora.actors;

import dev.chora.actors.entity.EntityClient;
import dev.chora.actors.entity.EntityHost;
import dev.chora.actors.entity.EntityRef;
import dev.chora.actors.entity.EntityType;
import dev.chora.actors.entity.EntityTypeKey;
import dev.chora.runtime.spi.StateMachine;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.serialization.SerializationExtension;

/**
 * The Chora extension of an actor system: {@code Chora.get(system)}. It reads and checks the
 * {@code chora} configuration once (a misconfigured node fails here, with every problem listed)
 * and starts this node's replica.
 *
 * <p>Replicated entities, in the idiom of cluster sharding: declare each {@link EntityType} once
 * in {@link #startReplica(List)}, then {@code entityRefFor(key, id).ask(command, timeout)}.
 */
public final class Chora implements Extension {
  private static final Id ID = new Id();

  private final ActorSystem<?> system;
  private final ChoraSettings settings;
  private ActorRef<Object> replica;
  private EntityClient entities;

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

  /**
   * Starts this node's replica hosting the given replicated entity types: many entities of many
   * types share the one Chora log. Every replica must declare the same types.
   */
  public synchronized ActorRef<Object> startReplica(List<EntityType<?, ?>> entityTypes) {
    ActorRef<Object> ref = startReplica(new EntityHost(SerializationExtension.get(system), entityTypes));
    entities = new EntityClient(system, ref, system.settings().config().getInt("chora.client.max-in-flight"));
    return ref;
  }

  /**
   * A handle to one entity. Commands are sent to this node's replica, so this node must run one
   * (asking from nodes without a replica comes with remote clients).
   */
  public synchronized <C, R> EntityRef<C, R> entityRefFor(EntityTypeKey<C, R> key, String entityId) {
    if (entities == null) {
      throw new IllegalStateException("no entity types are hosted on this node: call startReplica(entityTypes) first");
    }
    return entities.entityRefFor(key, entityId);
  }

  private static final class Id extends ExtensionId<Chora> {
    @Override
    public Chora createExtension(ActorSystem<?> system) {
      return new Chora(system);
    }
  }
}
