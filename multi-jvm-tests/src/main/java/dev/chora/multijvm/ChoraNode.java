package dev.chora.multijvm;

import dev.chora.actors.ReplicaStatus;
import dev.chora.actors.StateDigest;
import dev.chora.actors.entity.EntityTypeKey;
import dev.chora.transport.launch.JvmProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The test's handle to one replica JVM of a {@link ChoraCluster}: ask its entities, read its status
 * and state digest, run code in it, and fault it (kill -9, pause, restart with its state lost or
 * from its disk, clean leave). Its index is its replica id; its address and data directory stay the
 * same across restarts.
 *
 * <p>Thread-safe; faults and queries may come from several test threads.
 */
public final class ChoraNode {
  /**
   * The exit status of a node JVM whose actor system terminated other than by a clean leave: downed
   * by the cluster, or stopped by Artery (e.g. its Aeron client timed out by the media driver).
   */
  public static final int TERMINATED_STATUS = NodeMain.TERMINATED_STATUS;

  /** How a node's JVM starts: the group's first start, again with the state lost, or again from its disk. */
  enum Incarnation {
    /** The group's first start ({@code chora.restarted = false}, empty data directory). */
    FIRST,
    /** Again with everything lost: data directory emptied, {@code chora.restarted = true}. */
    STATE_LOST,
    /** Again on the data directory the previous incarnation wrote (durable mode). */
    FROM_DISK
  }

  private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration ACTION_TIMEOUT = Duration.ofMinutes(2);

  private final ChoraCluster cluster;
  private final int id;
  private final int port;
  private final String address;
  private volatile ControlChannel control;
  private volatile CompletableFuture<ControlChannel> hello = new CompletableFuture<>();
  private volatile ScheduledFuture<?> slowdown;

  ChoraNode(ChoraCluster cluster, int id, int port, String address) {
    this.cluster = cluster;
    this.id = id;
    this.port = port;
    this.address = address;
  }

  /** The replica id (and index in the cluster). */
  public int id() {
    return id;
  }

  /** The node's Pekko address, e.g. {@code pekko://chora@127.0.0.1:40123}: the same across restarts. */
  public String address() {
    return address;
  }

  public int port() {
    return port;
  }

  /** The JVM of the current incarnation. */
  public JvmProcess process() {
    return cluster.launcher().process(id);
  }

  public long pid() {
    return process().pid();
  }

  /** Whether the current incarnation's JVM runs (a paused JVM is alive). */
  public boolean isAlive() {
    JvmProcess p = process();
    return p != null && p.isAlive();
  }

  /** The log file of the current incarnation. */
  public Path logFile() {
    List<Path> all = logFiles();
    return all.get(all.size() - 1);
  }

  /** Every log file this node has written, one per incarnation, oldest first. */
  public List<Path> logFiles() {
    return cluster.launcher().logFiles(id);
  }

  @Override
  public String toString() {
    JvmProcess p = process();
    return "node " + id + " (" + address + (p != null ? ", pid " + p.pid() : "") + ")";
  }

  // ---- queries -----------------------------------------------------------------------------

  /** The replica's status, asked in its own JVM. */
  public ReplicaStatus status() {
    return (ReplicaStatus) query("status");
  }

  /** The digest of the replica's state after the rounds it has executed, asked in its own JVM. */
  public StateDigest digest() {
    return (StateDigest) query("digest");
  }

  private Object query(String op) {
    ControlChannel.Frame f = await(channel().request(op), QUERY_TIMEOUT, op);
    return new Serialized(Integer.parseInt(f.arg(0)), f.arg(1), f.blob()).deserialize(cluster.system());
  }

  /**
   * Asks an entity from inside this node's JVM, through its own gateway (so to its own replica
   * first); the command and reply cross the control channel in Pekko's serialized form.
   */
  public <C, R> CompletionStage<R> askAsync(EntityTypeKey<C, R> key, String entityId, C command, Duration timeout) {
    Serialized s = Serialized.of(cluster.system(), command);
    return channel().request("ask", List.of(key.name(), entityId, Long.toString(timeout.toMillis()),
        Integer.toString(s.serializerId()), s.manifest()), s.bytes())
        .thenApply(f -> key.replyClass().cast(
            new Serialized(Integer.parseInt(f.arg(0)), f.arg(1), f.blob()).deserialize(cluster.system())));
  }

  /** {@link #askAsync} and wait for the reply. */
  public <C, R> R ask(EntityTypeKey<C, R> key, String entityId, C command, Duration timeout) {
    return await(askAsync(key, entityId, command, timeout).toCompletableFuture(), timeout.plusSeconds(5), "ask");
  }

  /**
   * Runs {@code action} in this node's JVM (a new instance, through its no-argument constructor)
   * and returns its result. Runs concurrently with other actions; may enter barriers.
   */
  public CompletableFuture<String> runAsync(Class<? extends NodeAction> action, String argument) {
    return channel().request("action", action.getName(), argument == null ? "" : argument)
        .thenApply(f -> f.args().isEmpty() ? null : f.arg(0));
  }

  /** {@link #runAsync} and wait (two minutes at most). */
  public String run(Class<? extends NodeAction> action, String argument) {
    return await(runAsync(action, argument), ACTION_TIMEOUT, "action " + action.getSimpleName());
  }

  /** Polls {@link #status()} until {@code condition} holds; returns that status. */
  public ReplicaStatus awaitStatus(Predicate<ReplicaStatus> condition, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    ReplicaStatus last = null;
    Exception lastError = null;
    while (true) {
      try {
        last = status();
        if (condition.test(last)) {
          return last;
        }
      } catch (RuntimeException e) {
        lastError = e;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(this + " did not become " + what + " within " + timeout + "; last status: " + last
            + (lastError != null ? "; last error: " + lastError : "") + "\n" + cluster.logReport(), lastError);
      }
      sleep(50);
    }
  }

  // ---- faults ------------------------------------------------------------------------------

  /** kill -9: the JVM is gone at once, with its replica's state. */
  public void kill() {
    JvmProcess p = process();
    stopSlowdown();
    if (p != null) {
      p.kill();
      ChoraCluster.log(this + " killed (SIGKILL)");
    }
  }

  /** SIGSTOP, as a long GC pause: the JVM keeps its sockets but runs nothing until {@link #resume()}. */
  public void pause() {
    process().pause();
    ChoraCluster.log(this + " paused (SIGSTOP)");
  }

  /** SIGCONT. */
  public void resume() {
    process().resume();
    ChoraCluster.log(this + " resumed (SIGCONT)");
  }

  /**
   * A slow node: SIGSTOP for {@code stoppedFor} every {@code period}, until {@link #normalSpeed()}
   * (a CPU-starved or GC-thrashing JVM; Artery's test mode has no link delay to offer).
   */
  public synchronized void slowDown(Duration stoppedFor, Duration period) {
    stopSlowdown();
    ScheduledExecutorService s = cluster.scheduler();
    JvmProcess p = process();
    slowdown = s.scheduleAtFixedRate(() -> {
      try {
        if (p.isAlive()) {
          p.pause();
          Thread.sleep(stoppedFor.toMillis());
          p.resume();
        }
      } catch (InterruptedException e) {
        p.resume();
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        p.resume();
      }
    }, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    ChoraCluster.log(this + " slowed down: stopped " + stoppedFor.toMillis() + " ms every " + period.toMillis() + " ms");
  }

  /** Ends {@link #slowDown}. */
  public synchronized void normalSpeed() {
    stopSlowdown();
    ChoraCluster.log(this + " back to normal speed");
  }

  private synchronized void stopSlowdown() {
    ScheduledFuture<?> s = slowdown;
    slowdown = null;
    if (s != null) {
      s.cancel(false);
      try {
        // let a cycle in progress end with its resume
        cluster.scheduler().submit(() -> { }).get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        // resume below anyway
      }
      JvmProcess p = process();
      if (p != null) {
        p.resume();
      }
    }
  }

  /**
   * Starts this replica again at the same address with its state lost ({@code chora.restarted =
   * true}; in durable mode its data directory is emptied first, a disk lost with its machine): it
   * recovers by state transfer from the others. A live JVM is killed first. Returns once the new JVM
   * has started its replica and connected; use {@link #awaitActive(Duration)} to wait until it takes
   * part again.
   */
  public void restart() throws IOException, InterruptedException, TimeoutException {
    if (isAlive()) {
      kill();
    }
    start(Incarnation.STATE_LOST);
    awaitConnected(cluster.startTimeout());
  }

  /**
   * Starts this replica again at the same address on its data directory, as after a crash of its
   * machine (durable mode): it recovers from what it synced and fetches only what it missed. A live
   * JVM is killed first (kill -9). Returns once the new JVM has started its replica and connected;
   * use {@link #awaitActive(Duration)} to wait until it takes part again. To crash several
   * replicas at once, up to all of them, see {@link ChoraCluster#crashAndRestartFromDisk}.
   *
   * @throws IllegalStateException in memory mode, where the replica keeps nothing to restart from
   */
  public void restartFromDisk() throws IOException, InterruptedException, TimeoutException {
    cluster.requireDurable("restartFromDisk");
    if (isAlive()) {
      kill();
    }
    start(Incarnation.FROM_DISK);
    awaitConnected(cluster.startTimeout());
  }

  /** This replica's data directory ({@code chora.storage.data-dir}), the same for every incarnation. */
  public Path dataDirectory() {
    return cluster.dataDirectory(id);
  }

  /** Waits until this replica is NORMAL and every replica in {@code activeIds} is in its active set. */
  public ReplicaStatus awaitActive(Duration timeout) {
    return awaitStatus(s -> s.view().isNormal() && s.view().isActive(id), timeout, "NORMAL and active");
  }

  /**
   * A clean leave: the node leaves the Pekko cluster (its replica is then seen as removed, as after
   * a crash, but without waiting for a failure detector) and its JVM exits; returns once it has.
   */
  public void leave(Duration timeout) throws TimeoutException, InterruptedException {
    await(channel().request("leave"), QUERY_TIMEOUT, "leave");
    JvmProcess p = process();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (p.isAlive()) {
      if (System.nanoTime() - deadline > 0) {
        throw new TimeoutException(this + " did not leave and exit within " + timeout + "\n" + cluster.logReport());
      }
      Thread.sleep(50);
    }
    ChoraCluster.log(this + " left the cluster and exited with " + p.exitCode());
  }

  // ---- package-private: lifecycle and link faults ---------------------------------------------

  synchronized void start(Incarnation incarnation) throws IOException {
    hello = new CompletableFuture<>();
    control = null;
    JvmProcess started = cluster.launch(this, incarnation);
    ChoraCluster.log(this + switch (incarnation) {
      case FIRST -> " started";
      case STATE_LOST -> " restarted with its state lost";
      case FROM_DISK -> " restarted from its data directory " + dataDirectory();
    } + ", log " + started.logFile());
  }

  /** Waits for the node's hello on the control channel; fails early with the log's tail if the JVM died. */
  void awaitConnected(Duration timeout) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    CompletableFuture<ControlChannel> h = hello;
    JvmProcess p = process();
    while (true) {
      try {
        h.get(50, TimeUnit.MILLISECONDS);
        return;
      } catch (TimeoutException e) {
        if (!p.isAlive()) {
          throw new IllegalStateException(this + " exited with " + p.exitCode() + " while starting; its log "
              + logFile() + " ends:\n" + ChoraCluster.tail(logFile(), 30));
        }
        if (System.nanoTime() - deadline > 0) {
          throw new TimeoutException(this + " did not start within " + timeout + "; its log " + logFile()
              + " ends:\n" + ChoraCluster.tail(logFile(), 30));
        }
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
  }

  /** The node's hello arrived on {@code channel}. */
  void connected(ControlChannel channel) {
    control = channel;
    hello.complete(channel);
    channel.closedFuture().thenRun(cluster::participantsChanged);
    cluster.participantsChanged();
  }

  /** Connected and alive: a barrier participant. */
  boolean isConnected() {
    ControlChannel c = control;
    return c != null && c.isOpen() && isAlive();
  }

  CompletableFuture<ControlChannel.Frame> blackhole(String remoteAddress, String direction, boolean on) {
    return channel().request("blackhole", remoteAddress, direction, Boolean.toString(on));
  }

  CompletableFuture<ControlChannel.Frame> flap(String remoteAddress, String direction, Duration period,
      double dropFraction, long seed) {
    return channel().request("flap", remoteAddress, direction, Long.toString(period.toMillis()),
        Double.toString(dropFraction), Long.toString(seed));
  }

  CompletableFuture<ControlChannel.Frame> unflap(String remoteAddress, String direction) {
    return channel().request("unflap", remoteAddress, direction);
  }

  /** Stops the JVM for good (kill -9: a test's nodes need no graceful end). */
  void destroy() {
    stopSlowdown();
    JvmProcess p = process();
    if (p != null && p.isAlive()) {
      p.kill();
    }
    ControlChannel c = control;
    if (c != null) {
      c.close();
    }
  }

  private ControlChannel channel() {
    ControlChannel c = control;
    if (c == null || !c.isOpen()) {
      throw new IllegalStateException(this + " is not connected (" + (isAlive() ? "starting" : "not running") + ")");
    }
    return c;
  }

  private <T> T await(CompletableFuture<T> f, Duration timeout, String what) {
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(what + " on " + this + " failed: " + c, c);
    } catch (TimeoutException e) {
      throw new IllegalStateException(what + " on " + this + ": no answer within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + what + " on " + this, e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
