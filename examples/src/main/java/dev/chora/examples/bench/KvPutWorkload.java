package dev.chora.examples.bench;

import dev.chora.actors.Chora;
import dev.chora.actors.entity.EntityRef;
import dev.chora.examples.ExampleEntities;
import dev.chora.examples.kv.KvCommand;
import dev.chora.examples.kv.KvReply;
import java.time.Duration;
import java.util.SplittableRandom;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The benchmark's commands: key-value puts of a {@code valueBytes}-byte value to a random key of
 * {@code keys} (unique per operation, padded with 'v'), spread over {@value #SHARDS} key-value entities.
 */
public final class KvPutWorkload implements ClosedLoop.OpSource {
  public static final int SHARDS = 16;

  private final EntityRef<KvCommand, KvReply>[] shards;
  private final int keys;
  private final int valueBytes;
  private final String padding;
  private final java.util.concurrent.atomic.AtomicLong counter = new java.util.concurrent.atomic.AtomicLong();
  private final Duration timeout;
  private final SplittableRandom seed = new SplittableRandom(42);
  private final ThreadLocal<SplittableRandom> random = ThreadLocal.withInitial(this::split);

  @SuppressWarnings("unchecked")
  public KvPutWorkload(ActorSystem<?> system, int keys, int valueBytes, Duration timeout) {
    this.shards = new EntityRef[SHARDS];
    for (int s = 0; s < SHARDS; s++) {
      shards[s] = Chora.get(system).entityRefFor(ExampleEntities.KV, "bench-" + s);
    }
    this.keys = keys;
    this.valueBytes = valueBytes;
    this.padding = "v".repeat(valueBytes);
    this.timeout = timeout;
  }

  private synchronized SplittableRandom split() {
    return seed.split();
  }

  @Override
  public ClosedLoop.Op start(int worker) {
    int k = random.get().nextInt(keys);
    String key = "key-" + k;
    // A value unique to this operation (so a history can be checked), padded to valueBytes.
    String unique = worker + "-" + counter.incrementAndGet() + "-";
    String value = unique.length() >= valueBytes ? unique.substring(0, valueBytes)
        : unique + padding.substring(unique.length());
    return new ClosedLoop.Op("put", key, value,
        shards[k % SHARDS].ask(new KvCommand.Put(key, value), timeout)
            .thenApply(r -> ClosedLoop.Result.ok(r.ok() ? "ok" : "refused")));
  }
}
