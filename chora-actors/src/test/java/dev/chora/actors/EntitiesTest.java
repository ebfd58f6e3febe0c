package dev.chora.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.actors.entity.EntityCommandFailedException;
import dev.chora.actors.entity.EntityRef;
import dev.chora.actors.entity.EntityType;
import dev.chora.actors.entity.EntityTypeKey;
import dev.chora.actors.entity.ReplicatedEntity;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Replicated entities through the public API: one entity type declared once, many entities sharing
 * one Chora log, asked from every node with {@code entityRefFor(key, id).ask(command, timeout)}.
 */
class EntitiesTest {
  public record Add(long by) {}

  public record Total(long value) {}

  /** A counter entity; Add(-1000) is refused, to show a failing command. */
  static final class Counter implements ReplicatedEntity<Add, Total> {
    long total;

    @Override
    public Total handle(Add command) {
      if (command.by() == -1000) {
        throw new IllegalArgumentException("refusing -1000");
      }
      total += command.by();
      return new Total(total);
    }

    @Override
    public byte[] snapshot() {
      return ByteBuffer.allocate(8).putLong(total).array();
    }

    @Override
    public void restore(byte[] snapshot) {
      total = ByteBuffer.wrap(snapshot).getLong();
    }
  }

  static final EntityTypeKey<Add, Total> COUNTER = EntityTypeKey.create("counter", Add.class, Total.class);

  final List<ActorSystem<Void>> systems = new ArrayList<>();
  LocalGroup group;

  @AfterEach
  void stop() throws Exception {
    if (group != null) {
      group.close();
    }
  }

  /** The user's own serializer for the counter's commands and replies, and quick protocol timeouts. */
  static final String COUNTER_CONFIG = "pekko.actor.serializers.test = \"dev.chora.actors.TestSerializer\"\n"
      + "pekko.actor.serialization-bindings {\n"
      + "  \"dev.chora.actors.EntitiesTest$Add\" = test\n"
      + "  \"dev.chora.actors.EntitiesTest$Total\" = test\n"
      + "}\n"
      + "chora.protocol.round-timeout = 20ms\n"
      + "chora.protocol.view-change-timeout = 200ms\n";

  void start(int n) throws Exception {
    group = new LocalGroup(n, "pekko.actor.provider = remote\n" + COUNTER_CONFIG);
    systems.addAll(group.systems);
    for (ActorSystem<Void> system : systems) {
      Chora.get(system).startReplica(List.of(EntityType.of(COUNTER, id -> new Counter())));
    }
  }

  @Test
  void manyEntitiesShareOneLogAndEveryNodeSeesTheSameState() throws Exception {
    start(3);
    List<CompletableFuture<Total>> chains = new ArrayList<>();
    for (ActorSystem<Void> system : systems) {
      for (int e = 0; e < 5; e++) {
        EntityRef<Add, Total> ref = Chora.get(system).entityRefFor(COUNTER, "counter-" + e);
        CompletableFuture<Total> chain = CompletableFuture.completedFuture(null);
        for (int k = 0; k < 20; k++) {
          chain = chain.thenCompose(t -> ref.ask(new Add(1), Duration.ofSeconds(20)).toCompletableFuture());
        }
        chains.add(chain);
      }
    }
    for (CompletableFuture<Total> chain : chains) {
      chain.get(60, TimeUnit.SECONDS);
    }
    for (ActorSystem<Void> system : systems) {
      for (int e = 0; e < 5; e++) {
        Total t = Chora.get(system).entityRefFor(COUNTER, "counter-" + e).ask(new Add(0), Duration.ofSeconds(20))
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(60, t.value(), "counter-" + e + " seen from " + system.address());
      }
    }
  }

  @Test
  void aCommandTheEntityRefusesFailsTheAskAndChangesNothing() throws Exception {
    start(3);
    EntityRef<Add, Total> ref = Chora.get(systems.get(0)).entityRefFor(COUNTER, "c");
    assertEquals(5, ref.ask(new Add(5), Duration.ofSeconds(20)).toCompletableFuture().get().value());
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> ref.ask(new Add(-1000), Duration.ofSeconds(20)).toCompletableFuture().get());
    assertTrue(e.getCause() instanceof EntityCommandFailedException, String.valueOf(e.getCause()));
    assertTrue(e.getCause().getMessage().contains("refusing -1000"), e.getCause().getMessage());
    assertEquals(5, ref.ask(new Add(0), Duration.ofSeconds(20)).toCompletableFuture().get().value());
  }
}
