package dev.chora.multijvm;

import dev.chora.transport.launch.EmbeddedDriverDirectory;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.chora.actors.Chora;
import dev.chora.actors.entity.EntityType;
import dev.chora.actors.entity.EntityTypeKey;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.LocalTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Leave;
import org.apache.pekko.remote.RARP;
import org.apache.pekko.remote.transport.ThrottlerTransportAdapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import scala.concurrent.Await;

/**
 * The main of every node JVM a {@link ChoraCluster} starts: one actor system {@code chora} running
 * one replica with the entity types of the test's {@link NodeSetup}, driven by the test JVM over a
 * {@link ControlChannel}. Its configuration comes from the file the cluster wrote
 * ({@code -Dconfig.file}); the rest from system properties:
 * {@value #CONTROL_PROPERTY} (host:port of the test's control server), {@value #NODE_PROPERTY} (the
 * node index, which is its replica id) and {@value #SETUP_PROPERTY} (the setup class).
 *
 * <p>The JVM exits when its actor system terminates (after a clean leave, or when the cluster
 * downed it) and when the control channel closes (the test JVM is gone); every line it prints goes
 * to the node's log file.
 */
public final class NodeMain {
  static final String CONTROL_PROPERTY = "chora.multijvm.control";
  static final String NODE_PROPERTY = "chora.multijvm.node";
  static final String SETUP_PROPERTY = "chora.multijvm.setup";

  /** Exit status after a clean leave. */
  static final int LEFT_STATUS = 0;
  /** Exit status when the actor system terminated for another reason (e.g. downed by the cluster). */
  static final int TERMINATED_STATUS = 4;
  /** Exit status when the test JVM closed the control channel. */
  static final int CONTROL_LOST_STATUS = 5;

  private final int index;
  private final ActorSystem<Void> system;
  private final Map<String, EntityTypeKey<?, ?>> keys = new HashMap<>();
  private final ControlChannel control;
  private final ExecutorService actions = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "chora-multijvm-action");
    t.setDaemon(true);
    return t;
  });
  private final ScheduledExecutorService flapper = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "chora-multijvm-flap");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, ScheduledFuture<?>> flaps = new ConcurrentHashMap<>();
  private volatile boolean leaving;

  private NodeMain(int index, ActorSystem<Void> system, List<EntityType<?, ?>> types, ControlChannel control) {
    this.index = index;
    this.system = system;
    this.control = control;
    for (EntityType<?, ?> t : types) {
      keys.put(t.key().name(), t.key());
    }
  }

  public static void main(String[] args) throws Exception {
    int index = Integer.parseInt(required(NODE_PROPERTY));
    String[] hostPort = required(CONTROL_PROPERTY).split(":");
    Socket socket = new Socket(InetAddress.getByName(hostPort[0]), Integer.parseInt(hostPort[1]));
    ControlChannel control = new ControlChannel(socket, "test JVM");

    Config config = ConfigFactory.load();
    NodeSetup setup = (NodeSetup) Class.forName(required(SETUP_PROPERTY)).getConstructor().newInstance();
    List<EntityType<?, ?>> types = setup.entityTypes();
    log("node " + index + " (pid " + ProcessHandle.current().pid() + ") starting, restarted = "
        + config.getBoolean("chora.restarted"));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "chora", EmbeddedDriverDirectory.ownDirectory(config));
    NodeMain node = new NodeMain(index, system, types, control);
    control.start(node::handle);
    control.closedFuture().thenRun(() -> {
      log("control channel closed: the test JVM is gone; halting");
      Runtime.getRuntime().halt(CONTROL_LOST_STATUS);
    });
    system.getWhenTerminated().thenRun(() -> {
      int status = node.leaving ? LEFT_STATUS : TERMINATED_STATUS;
      log("actor system terminated (" + (node.leaving ? "left the cluster" : "downed or failed") + "); exiting");
      Thread exit = new Thread(() -> System.exit(status), "chora-multijvm-exit");
      exit.start();
    });
    Chora.get(system).startReplica(types);
    setup.started(system);
    log("node " + index + " replica started at " + system.address());
    control.request("hello", Integer.toString(index), Long.toString(ProcessHandle.current().pid()),
        system.address().toString()).get(30, TimeUnit.SECONDS);
  }

  private static String required(String property) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException("system property " + property + " is not set: this main is started by ChoraCluster");
    }
    return v;
  }

  static void log(String line) {
    System.out.println(LocalTime.now() + " [chora multi-jvm] " + line);
    System.out.flush();
  }

  private CompletionStage<ControlChannel.Reply> handle(ControlChannel.Frame f) {
    switch (f.op()) {
      case "ping":
        return CompletableFuture.completedFuture(ControlChannel.Reply.of("pong"));
      case "status":
        return Chora.get(system).replicaStatus(index).thenApply(this::serialized);
      case "digest":
        return Chora.get(system).stateDigest(index).thenApply(this::serialized);
      case "ask":
        return ask(f);
      case "action":
        return CompletableFuture.supplyAsync(() -> runAction(f.arg(0), f.arg(1)), actions);
      case "blackhole":
        return blackhole(f.arg(0), f.arg(1), Boolean.parseBoolean(f.arg(2)));
      case "flap":
        return flap(f.arg(0), f.arg(1), Long.parseLong(f.arg(2)), Double.parseDouble(f.arg(3)), Long.parseLong(f.arg(4)));
      case "unflap":
        return unflap(f.arg(0), f.arg(1));
      case "leave":
        leaving = true;
        log("leaving the cluster");
        Cluster.get(system).manager().tell(Leave.create(system.address()));
        return CompletableFuture.completedFuture(ControlChannel.Reply.of("leaving"));
      default:
        return CompletableFuture.failedFuture(new IllegalArgumentException("unknown control request " + f.op()));
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private CompletionStage<ControlChannel.Reply> ask(ControlChannel.Frame f) {
    EntityTypeKey key = keys.get(f.arg(0));
    if (key == null) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("node " + index
          + " hosts no entity type '" + f.arg(0) + "' (its NodeSetup declares " + keys.keySet() + ")"));
    }
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(system));
    Object command = serialization.deserialize(f.blob(), Integer.parseInt(f.arg(3)), f.arg(4)).get();
    Duration timeout = Duration.ofMillis(Long.parseLong(f.arg(2)));
    CompletionStage<Object> reply = Chora.get(system).entityRefFor(key, f.arg(1)).ask(command, timeout);
    return reply.thenApply(this::serialized);
  }

  private ControlChannel.Reply serialized(Object o) {
    Serialized s = Serialized.of(system, o);
    return new ControlChannel.Reply(List.of(Integer.toString(s.serializerId()), s.manifest()), s.bytes());
  }

  private ControlChannel.Reply runAction(String className, String argument) {
    try {
      NodeAction action = (NodeAction) Class.forName(className).getConstructor().newInstance();
      String result = action.run(context(), argument);
      return result == null ? ControlChannel.Reply.of() : ControlChannel.Reply.of(result);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new java.util.concurrent.CompletionException(e);
    }
  }

  private NodeContext context() {
    return new NodeContext() {
      @Override
      public int replicaId() {
        return index;
      }

      @Override
      public ActorSystem<?> system() {
        return system;
      }

      @Override
      public void enterBarrier(String name, Duration timeout) {
        enter(name, timeout);
      }

      @Override
      public void enterBarrier(String name) {
        enter(name, null);
      }
    };
  }

  private void enter(String name, Duration timeout) {
    try {
      long ms = timeout == null ? -1 : timeout.toMillis();
      // The coordinator applies the timeout; ours only guards against a lost test JVM.
      control.request("barrier", name, Long.toString(ms), Integer.toString(index))
          .get(ms < 0 ? 600_000 : ms + 10_000, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("barrier " + name + " failed: " + e.getCause().getMessage(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("barrier " + name + ": no answer from the test JVM", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted in barrier " + name, e);
    }
  }

  // ---- link faults, through Artery's test mode -------------------------------------------------

  private static ThrottlerTransportAdapter.Direction direction(String d) {
    return switch (d) {
      case "both" -> ThrottlerTransportAdapter.bothDirection();
      case "send" -> ThrottlerTransportAdapter.sendDirection();
      case "receive" -> ThrottlerTransportAdapter.receiveDirection();
      default -> throw new IllegalArgumentException("direction is both, send or receive: " + d);
    };
  }

  private void setBlackhole(String address, String dir, boolean on) throws Exception {
    setBlackhole(system, address, dir, on);
  }

  /** Drops (or no longer drops) {@code system}'s messages to and from {@code address}; needs Artery's test mode. */
  static void setBlackhole(ActorSystem<?> system, String address, String dir, boolean on) throws Exception {
    Object command = new ThrottlerTransportAdapter.SetThrottle(AddressFromURIString.parse(address), direction(dir),
        on ? ThrottlerTransportAdapter.blackholeThrottleMode() : ThrottlerTransportAdapter.unthrottledThrottleMode());
    RARP rarp = (RARP) RARP.get(Adapter.toClassic(system));
    Await.result(rarp.provider().transport().managementCommand(command),
        scala.concurrent.duration.Duration.create(5, TimeUnit.SECONDS));
  }

  private CompletionStage<ControlChannel.Reply> blackhole(String address, String dir, boolean on) {
    try {
      setBlackhole(address, dir, on);
      log((on ? "blackholed " : "restored ") + dir + " link to " + address);
      return CompletableFuture.completedFuture(ControlChannel.Reply.of("ok"));
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * A lossy link: every {@code periodMs} the link to {@code address} is blackholed with probability
   * {@code dropFraction} for that period, else open (Artery's test mode drops whole messages, so
   * this is loss in bursts of one period; Chora sees it as late and missing messages).
   */
  private CompletionStage<ControlChannel.Reply> flap(String address, String dir, long periodMs, double dropFraction,
      long seed) {
    unflapQuietly(address, dir);
    Random random = new Random(seed);
    ScheduledFuture<?> task = flapper.scheduleAtFixedRate(() -> {
      try {
        setBlackhole(address, dir, random.nextDouble() < dropFraction);
      } catch (Exception e) {
        log("flapping link to " + address + ": " + e);
      }
    }, 0, periodMs, TimeUnit.MILLISECONDS);
    flaps.put(address + "|" + dir, task);
    log("lossy " + dir + " link to " + address + ": " + dropFraction + " of " + periodMs + " ms periods dropped");
    return CompletableFuture.completedFuture(ControlChannel.Reply.of("ok"));
  }

  private CompletionStage<ControlChannel.Reply> unflap(String address, String dir) {
    try {
      unflapQuietly(address, dir);
      setBlackhole(address, dir, false);
      log("lossy link to " + address + " restored");
      return CompletableFuture.completedFuture(ControlChannel.Reply.of("ok"));
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void unflapQuietly(String address, String dir) {
    ScheduledFuture<?> old = flaps.remove(address + "|" + dir);
    if (old != null) {
      old.cancel(false);
      try {
        // Let a running toggle finish so that it cannot re-blackhole after the restore.
        flapper.submit(() -> { }).get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        // restore anyway
      }
    }
  }
}
