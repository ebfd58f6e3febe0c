package dev.chora.examples.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.chora.actors.Chora;
import dev.chora.actors.entity.EntityType;
import dev.chora.actors.entity.EntityTypeKey;
import dev.chora.actors.entity.ReplicatedEntity;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.Test;

/**
 * The README's "Use it in your Pekko application" snippet (its types, declarations and calls), so it keeps
 * compiling: if this file needs a change, the README needs the same one.
 */
class ReadmeSnippetTest {
  // Commands and replies: your own types, with a serializer bound to them as for any remote message.
  public record Add(long by) {}
  public record Total(long value) {}

  public static final class CounterEntity implements ReplicatedEntity<Add, Total> {
    private long total;
    public Total handle(Add command) { total += command.by(); return new Total(total); } // deterministic
    public byte[] snapshot() { return ByteBuffer.allocate(8).putLong(total).array(); }
    public void restore(byte[] snapshot) { total = ByteBuffer.wrap(snapshot).getLong(); }
  }

  static final EntityTypeKey<Add, Total> COUNTER = EntityTypeKey.create("counter", Add.class, Total.class);

  /** The snippet's calls; ReplicatedExamplesTest runs the same calls against real replicas. */
  static CompletionStage<Total> snippet(ActorSystem<?> system) {
    // On every replica node (chora.replica-id and chora.replicas in application.conf):
    Chora.get(system).startReplica(List.of(EntityType.of(COUNTER, id -> new CounterEntity())));

    // On any node of the cluster, with or without a replica:
    CompletionStage<Total> reply =
        Chora.get(system).entityRefFor(COUNTER, "counter-42").ask(new Add(1), Duration.ofSeconds(5));
    return reply;
  }

  @Test
  void theSnippetsEntityCountsAndSnapshots() {
    CounterEntity c = new CounterEntity();
    assertEquals(new Total(3), c.handle(new Add(3)));
    CounterEntity restored = new CounterEntity();
    restored.restore(c.snapshot());
    assertEquals(new Total(5), restored.handle(new Add(2)));
  }
}
