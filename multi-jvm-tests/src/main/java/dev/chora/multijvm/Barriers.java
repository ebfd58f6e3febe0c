package dev.chora.multijvm;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Named barriers between the test and the live nodes, coordinated in the test JVM (the role of the
 * multi-node testkit's conductor). A barrier completes when every participant that is alive has
 * entered it; a node that dies while others wait is no longer waited for (a test that kills a node
 * on purpose must not hang on it). Once complete, the name can be used again.
 */
final class Barriers implements AutoCloseable {
  static final String TEST = "test";

  private final Supplier<Set<String>> liveParticipants;
  private final Map<String, Waiting> barriers = new HashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "chora-multijvm-barrier-timer");
    t.setDaemon(true);
    return t;
  });

  private static final class Waiting {
    final Set<String> entered = new LinkedHashSet<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();
  }

  /** @param liveParticipants the test and every node whose JVM is alive and connected, now */
  Barriers(Supplier<Set<String>> liveParticipants) {
    this.liveParticipants = liveParticipants;
  }

  /** {@code participant} enters {@code name}; the future completes when all live participants have. */
  CompletableFuture<Void> enter(String participant, String name, Duration timeout) {
    Waiting w;
    synchronized (this) {
      w = barriers.computeIfAbsent(name, n -> new Waiting());
      w.entered.add(participant);
      checkLocked(name, w);
    }
    if (!w.done.isDone()) {
      timer.schedule(() -> {
        synchronized (this) {
          if (barriers.get(name) == w && !w.done.isDone()) {
            barriers.remove(name);
            Set<String> missing = new TreeSet<>(liveParticipants.get());
            missing.removeAll(w.entered);
            w.done.completeExceptionally(new TimeoutException("barrier '" + name + "' timed out after " + timeout
                + " (entered by " + w.entered + ", still missing " + missing + ")"));
          }
        }
      }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    return w.done;
  }

  /** Called when a participant died or joined: barriers waiting only for the dead complete. */
  synchronized void recheck() {
    for (Map.Entry<String, Waiting> e : Map.copyOf(barriers).entrySet()) {
      checkLocked(e.getKey(), e.getValue());
    }
  }

  private void checkLocked(String name, Waiting w) {
    if (w.entered.containsAll(liveParticipants.get())) {
      barriers.remove(name);
      w.done.complete(null);
    }
  }

  @Override
  public synchronized void close() {
    for (Waiting w : barriers.values()) {
      w.done.completeExceptionally(new IllegalStateException("the cluster is closing"));
    }
    barriers.clear();
    timer.shutdownNow();
  }
}
