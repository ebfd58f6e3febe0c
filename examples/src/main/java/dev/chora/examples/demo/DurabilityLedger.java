package dev.chora.examples.demo;

import dev.chora.actors.Chora;
import dev.chora.actors.entity.EntityRef;
import dev.chora.examples.ExampleEntities;
import dev.chora.examples.bench.ClosedLoop;
import dev.chora.examples.kv.KvCommand;
import dev.chora.examples.kv.KvReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The demo's record of acknowledged writes that must survive anything the group survives: each
 * write puts a key of its own ({@code ledger-<n>}, spread over a few key-value entities), so no
 * later write can replace it, whatever order concurrent writes took, and every acknowledged one must
 * read back with its value for ever after. After all replicas were SIGKILLed and restarted from
 * disk, {@link #verify} reads them back. Writes that timed out or failed are not recorded (they may
 * or may not have been applied).
 */
public final class DurabilityLedger {
  /** The key-value entities the ledger's keys are spread over. */
  public static final int SHARDS = 4;
  /** Reads in flight at once while verifying. */
  private static final int READS_IN_FLIGHT = 64;

  /** One acknowledged write. */
  public record Write(String key, String value) {}

  /** What a verification found: how many writes it read back, and those that did not hold their value. */
  public record Check(int checked, List<String> missing) {
    public boolean passed() {
      return missing.isEmpty();
    }
  }

  private final AtomicLong next = new AtomicLong();
  private final List<Write> acknowledged = new ArrayList<>();

  /** The entity that holds key number {@code n}. */
  static String entityId(long n) {
    return "demo-ledger-" + (n % SHARDS);
  }

  @SuppressWarnings("unchecked")
  static EntityRef<KvCommand, KvReply>[] entities(ActorSystem<?> system) {
    EntityRef<KvCommand, KvReply>[] refs = new EntityRef[SHARDS];
    for (int s = 0; s < SHARDS; s++) {
      refs[s] = Chora.get(system).entityRefFor(ExampleEntities.KV, entityId(s));
    }
    return refs;
  }

  /** Starts worker {@code worker}'s next ledger write through {@code shards}. */
  ClosedLoop.Op start(EntityRef<KvCommand, KvReply>[] shards, int worker, Duration timeout) {
    long n = next.incrementAndGet();
    String key = "ledger-" + n;
    String value = "w" + worker + "-" + n;
    return new ClosedLoop.Op("put", key, value, shards[(int) (n % SHARDS)].ask(new KvCommand.Put(key, value), timeout)
        .thenApply(x -> {
          synchronized (acknowledged) {
            acknowledged.add(new Write(key, value));
          }
          return ClosedLoop.Result.ok("previous=" + x.value());
        }));
  }

  /** How many writes have been acknowledged so far. */
  public int acknowledged() {
    synchronized (acknowledged) {
      return acknowledged.size();
    }
  }

  /**
   * Reads back, through {@code system}'s gateway, every write acknowledged from the {@code from}-th
   * on ({@link #acknowledged()} numbering, from 0) to the {@code to}-th, with at most 64 reads in
   * flight; {@code progress} is told how many were checked now and then.
   */
  public Check verify(ActorSystem<?> system, int from, int to, IntConsumer progress) throws InterruptedException {
    List<Write> writes;
    synchronized (acknowledged) {
      writes = List.copyOf(acknowledged.subList(from, to));
    }
    EntityRef<KvCommand, KvReply>[] shards = entities(system);
    List<String> missing = new java.util.concurrent.CopyOnWriteArrayList<>();
    Semaphore inFlight = new Semaphore(READS_IN_FLIGHT);
    AtomicInteger done = new AtomicInteger();
    List<CompletableFuture<?>> reads = new ArrayList<>();
    int reported = 0;
    for (Write w : writes) {
      inFlight.acquire();
      long n = Long.parseLong(w.key().substring("ledger-".length()));
      reads.add(shards[(int) (n % SHARDS)].ask(new KvCommand.Get(w.key()), Duration.ofSeconds(10)).toCompletableFuture()
          .whenComplete((r, e) -> {
            if (e != null) {
              missing.add(w.key() + ": no answer (" + e.getClass().getSimpleName() + ")");
            } else if (!r.ok() || !w.value().equals(r.value())) {
              missing.add(w.key() + ": expected " + w.value() + ", read " + (r.ok() ? r.value() : "nothing (absent)"));
            }
            done.incrementAndGet();
            inFlight.release();
          }));
      if (done.get() - reported >= 2_000) {
        reported = done.get();
        progress.accept(reported);
      }
    }
    for (CompletableFuture<?> f : reads) {
      try {
        f.get(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        // recorded by whenComplete
      }
    }
    progress.accept(done.get());
    return new Check(writes.size(), List.copyOf(missing));
  }
}
