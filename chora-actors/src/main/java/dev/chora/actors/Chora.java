package dev.chora.actors;

import dev.chora.actors.client.ClientGateway;
import dev.chora.actors.control.DigestQuery;
import dev.chora.actors.control.StatusQuery;
import dev.chora.actors.entity.EntityClient;
import dev.chora.actors.entity.EntityHost;
import dev.chora.actors.entity.EntityRef;
import dev.chora.actors.entity.EntityType;
import dev.chora.actors.entity.EntityTypeKey;
import dev.chora.actors.replica.ReplicaActor;
import dev.chora.actors.storage.DataDirectoryOpener;
import dev.chora.actors.storage.OpenedStore;
import dev.chora.actors.storage.StorageOpenException;
import dev.chora.runtime.config.InvalidConfigException;
import dev.chora.runtime.spi.StateMachine;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.serialization.SerializationExtension;

/**
 * The Chora extension of an actor system: {@code Chora.get(system)}. It reads and checks the
 * {@code chora} configuration once (a misconfigured node fails here, with every problem listed),
 * starts this node's replica if it is one, and sends this node's commands to the group.
 *
 * <p>Replicated entities, in the idiom of cluster sharding: a replica node declares every
 * {@link EntityType} once in {@link #startReplica(List)}; any node of the cluster, with or without a
 * replica, then asks {@code entityRefFor(key, id).ask(command, timeout)}.
 */
public final class Chora implements Extension {
  private static final Id ID = new Id();
  private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);
  /** Within the service-stop phase's own timeout (5 s by default). */
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(3);
  private static final String CLIENT_DISPATCHER = "chora.client-dispatcher";

  private final ActorSystem<?> system;
  private final ChoraSettings settings;
  private ActorRef<ReplicaActor.Command> replica;
  private ActorRef<ClientGateway.Ask> gateway;
  private volatile EntityClient entities;
  private volatile boolean gatewayStopped;

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
   * @throws InvalidConfigException if this node's address is not the one chora.replicas lists for
   *                                its id (a node claiming another replica's id)
   * @throws StorageOpenException   in durable mode, if the data directory cannot be locked (another
   *                                process has it), read (damaged) or written
   */
  public synchronized ActorRef<ReplicaActor.Command> startReplica(StateMachine stateMachine) {
    if (settings.replicaId() < 0) {
      throw new IllegalStateException("this node runs no replica: set chora.replica-id to its id in chora.replicas");
    }
    if (replica != null) {
      throw new IllegalStateException("replica " + settings.replicaId() + " runs already on this actor system");
    }
    checkDispatcher("chora.replica-dispatcher");
    checkDispatcher("chora.executor-dispatcher");
    checkOwnAddress();
    // Opened here, not in the actor: a locked or damaged directory fails the start, with its reason.
    OpenedStore store = settings.storage().durable()
        ? DataDirectoryOpener.open(settings.storage(), settings.protocol(), settings.replicaId()) : null;
    try {
      replica = system.systemActorOf(
          ReplicaActor.create(settings.protocol(), settings.replicaId(), settings.replicaPaths(), stateMachine,
              settings.restarted(), settings.firstStartCheck(), store),
          settings.actorName(), DispatcherSelector.fromConfig("chora.replica-dispatcher")).narrow();
    } catch (RuntimeException e) {
      closeQuietly(store);
      throw e;
    }
    // A node that shuts down stops its replica first (service-stop, before the cluster leave and
    // the transport's shutdown): no more rounds go out to peers while Artery closes its streams.
    ActorRef<ReplicaActor.Command> stopping = replica;
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceStop(), "chora-stop-replica",
        () -> AskPattern.<ReplicaActor.Command, Done>ask(stopping, ReplicaActor.Stop::new, STOP_TIMEOUT,
                system.scheduler())
            .exceptionally(e -> Done.getInstance()));
    return replica;
  }

  private static void closeQuietly(OpenedStore store) {
    if (store != null) {
      try {
        store.storage().close();
      } catch (java.io.IOException | RuntimeException ignored) {
        // the start failed already; that is the error to report
      }
    }
  }

  /**
   * Starts this node's replica hosting the given replicated entity types: many entities of many
   * types share the one Chora log. Every replica must declare the same types. The list's element
   * type is a wildcard so that a list inferred from types of different commands, as Scala's
   * {@code java.util.List.of(a, b)} or {@code Seq(a, b).asJava} infers one, is taken as it is.
   */
  public synchronized ActorRef<ReplicaActor.Command> startReplica(List<? extends EntityType<?, ?>> entityTypes) {
    return startReplica(new EntityHost(SerializationExtension.get(system), entityTypes));
  }

  /**
   * A handle to one entity, on any node of the cluster: commands go through this node's gateway to
   * a replica (this node's own if it runs one).
   */
  public synchronized <C, R> EntityRef<C, R> entityRefFor(EntityTypeKey<C, R> key, String entityId) {
    if (entities == null) {
      entities = new EntityClient(system, gateway(), settings.client().maxInFlight(),
          settings.protocol().maxRequestBytes());
      if (gatewayStopped) {
        entities.gatewayStopped();
      }
    }
    return entities.entityRefFor(key, entityId);
  }

  /** This node's client gateway, started on first use; send it {@link ClientGateway.Ask}s. */
  public synchronized ActorRef<ClientGateway.Ask> gateway() {
    if (gateway == null) {
      ChoraSettings.Client c = settings.client();
      checkDispatcher(CLIENT_DISPATCHER);
      ClientGateway.Settings gatewaySettings = new ClientGateway.Settings(settings.replicaId(),
          settings.replicaPaths(), c.retryAfter(), c.refusedPause(), c.overloadedRetries(), c.overloadedMaxBackoff(),
          c.sweepInterval(), c.maxBatchBytes(),
          c.maxInFlight(), this::gatewayStopped);
      gateway = system.systemActorOf(ClientGateway.create(gatewaySettings), "chora-gateway",
          DispatcherSelector.fromConfig(CLIENT_DISPATCHER)).narrow();
    }
    return gateway;
  }

  private void gatewayStopped() {
    gatewayStopped = true;
    EntityClient client = entities;
    if (client != null) {
      client.gatewayStopped();
    }
  }

  /**
   * The status of replica {@code replicaId}, asked over the network if it runs elsewhere. With the
   * cluster provider a replica answers only cluster members: from a node it has not (yet) seen
   * join, the ask times out.
   */
  public CompletionStage<ReplicaStatus> replicaStatus(int replicaId) {
    return AskPattern.ask(replicaRef(replicaId), StatusQuery::new, QUERY_TIMEOUT, system.scheduler());
  }

  /**
   * Every replica's status, asked in parallel; completes once all have answered or {@code wait} has
   * passed, with the ids of those that did not answer (never fails for a silent replica).
   */
  public CompletionStage<GroupStatus> groupStatus(Duration wait) {
    if (wait.isZero() || wait.isNegative()) {
      throw new IllegalArgumentException("the wait for the replicas' answers must be positive, not " + wait);
    }
    long start = System.nanoTime();
    List<CompletableFuture<ReplicaStatus>> asks = new java.util.ArrayList<>();
    for (int i = 0; i < settings.replicas().size(); i++) {
      asks.add(AskPattern.<ReplicaActor.Command, ReplicaStatus>ask(replicaRef(i), StatusQuery::new, wait,
          system.scheduler()).toCompletableFuture().exceptionally(e -> null));
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> GroupStatus.of(
        settings.replicas(), asks.stream().map(CompletableFuture::join).toList(),
        Duration.ofNanos(System.nanoTime() - start)));
  }

  /** The digest of replica {@code replicaId}'s replicated state after the rounds it has executed. */
  public CompletionStage<StateDigest> stateDigest(int replicaId) {
    return AskPattern.ask(replicaRef(replicaId), DigestQuery::new, QUERY_TIMEOUT, system.scheduler());
  }

  private ActorRef<ReplicaActor.Command> replicaRef(int replicaId) {
    if (replicaId < 0 || replicaId >= settings.replicas().size()) {
      throw new IllegalArgumentException("no replica " + replicaId + ": chora.replicas lists ids 0.."
          + (settings.replicas().size() - 1));
    }
    return ActorRefResolver.get(system).resolveActorRef(settings.replicaPath(replicaId));
  }

  /**
   * A dispatcher that cannot be created fails here, naming its setting. Found otherwise only when
   * the actor is spawned: for the executor, that system actor stops with a stack trace in the log,
   * and the node runs on without a replica, never ready.
   */
  private void checkDispatcher(String path) {
    try {
      system.dispatchers().lookup(DispatcherSelector.fromConfig(path));
    } catch (RuntimeException e) {
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      throw new InvalidConfigException(List.of(path + ": the dispatcher cannot be created (" + cause.getMessage()
          + "); make it a dispatcher's configuration (type and executor, as chora-actors' reference.conf has for"
          + " chora.replica-dispatcher) or the path of a dispatcher that is configured, e.g."
          + " \"pekko.actor.default-dispatcher\""));
    }
  }

  /** A node whose own address is not its id's entry would send under another replica's name. */
  private void checkOwnAddress() {
    String own = system.address().toString();
    String listed = settings.replicas().get(settings.replicaId());
    if (system.address().host().isDefined() && !own.equals(listed)) {
      String host = system.address().host().get();
      String hint = host.contains(":") && !host.startsWith("[")
          ? "; an IPv6 canonical.hostname goes in brackets, e.g. \"[" + host + "]\"" : "";
      throw new InvalidConfigException(List.of("chora.replica-id = " + settings.replicaId() + " names " + listed
          + " in chora.replicas, but this node is " + own + ": give each node the replica id whose address is its"
          + " own (pekko.remote.artery.canonical.hostname/port)" + hint));
    }
  }

  private static final class Id extends ExtensionId<Chora> {
    @Override
    public Chora createExtension(ActorSystem<?> system) {
      return new Chora(system);
    }
  }
}
