package dev.chora.multijvm.faults;

import dev.chora.actors.entity.EntityRef;
import dev.chora.examples.ExampleEntities;
import dev.chora.examples.kv.KvCommand;
import dev.chora.examples.kv.KvReply;
import dev.chora.multijvm.ChoraCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Writes that each go to a key of their own, so that every acknowledged one must be readable, with
 * its value, for ever after: no later write can supersede it, whatever order concurrent writes
 * took. The {@link Checks} of the key-value history allow an acknowledged value to be overwritten;
 * this does not, which is what "no acknowledged write lost" means across a crash of every replica.
 * Each client puts one key at a time; a write that timed out is unknown and not checked.
 */
final class Ledger implements AutoCloseable {
  /** One acknowledged write: its key and value, and when its acknowledgement came (test JVM's clock). */
  record Ack(String key, String value, long ackedNs) {}

  private final ChoraCluster cluster;
  private final String prefix;
  private final Duration opTimeout;
  private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;

  Ledger(ChoraCluster cluster, String prefix, Duration opTimeout) {
    this.cluster = cluster;
    this.prefix = prefix + "-ledger";
    this.opTimeout = opTimeout;
  }

  private EntityRef<KvCommand, KvReply> entity(long seq) {
    return cluster.entityRefFor(ExampleEntities.KV, prefix + "-" + (seq % 3));
  }

  /** Starts {@code clients} writers. */
  void start(int clients) {
    running = true;
    for (int c = 0; c < clients; c++) {
      int client = c;
      Thread t = new Thread(() -> write(client), "ledger-" + c);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
  }

  private void write(int client) {
    long seq = 0;
    while (running) {
      seq++;
      String key = prefix + "-c" + client + "-" + seq;
      String value = "c" + client + "#" + seq;
      try {
        KvReply r = entity(seq).ask(new KvCommand.Put(key, value), opTimeout).toCompletableFuture()
            .get(opTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        if (r.ok()) {
          acks.add(new Ack(key, value, System.nanoTime()));
        }
      } catch (Exception e) {
        // unknown (a timeout while the replicas were down): it may or may not have been applied
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Stops the writers; each finishes (or times out) its current write. */
  void stop() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(opTimeout.toMillis() + 10_000);
      if (t.isAlive()) {
        throw new IllegalStateException(t.getName() + " did not stop");
      }
    }
    threads.clear();
  }

  /** The writes acknowledged so far. */
  List<Ack> acks() {
    return List.copyOf(acks);
  }

  /** How many writes were acknowledged before {@code nanos} (test JVM's clock). */
  long ackedBefore(long nanos) {
    return acks.stream().filter(a -> a.ackedNs() < nanos).count();
  }

  /** How many writes were acknowledged after {@code nanos}. */
  long ackedAfter(long nanos) {
    return acks.stream().filter(a -> a.ackedNs() > nanos).count();
  }

  /**
   * Reads every acknowledged key back through the group (linearizable reads, at most 32 at a time)
   * and returns a line for each that does not hold its value: absent, another value, or no answer.
   */
  List<String> missing() throws InterruptedException {
    List<String> missing = new java.util.concurrent.CopyOnWriteArrayList<>();
    Semaphore inFlight = new Semaphore(32);
    List<CompletableFuture<?>> reads = new ArrayList<>();
    for (Ack a : acks()) {
      inFlight.acquire();
      long seq = Long.parseLong(a.key().substring(a.key().lastIndexOf('-') + 1));
      CompletableFuture<?> f = entity(seq).ask(new KvCommand.Get(a.key()), Duration.ofSeconds(20))
          .toCompletableFuture()
          .whenComplete((r, e) -> {
            inFlight.release();
            if (e != null) {
              missing.add(a + ": no answer (" + e + ")");
            } else if (!r.ok() || !a.value().equals(r.value())) {
              missing.add(a + ": read " + (r.ok() ? "value " + r.value() : "absent"));
            }
          });
      reads.add(f);
    }
    for (CompletableFuture<?> f : reads) {
      try {
        f.get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        // recorded by whenComplete
      }
    }
    return List.copyOf(missing);
  }

  @Override
  public void close() {
    try {
      if (running) {
        stop();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
