package dev.chora.multijvm.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.chora.actors.entity.EntityType;
import dev.chora.actors.entity.EntityTypeKey;
import dev.chora.actors.entity.ReplicatedEntity;
import dev.chora.multijvm.ChoraCluster;
import dev.chora.multijvm.ChoraClusterExtension;
import dev.chora.multijvm.NodeAction;
import dev.chora.multijvm.NodeContext;
import dev.chora.multijvm.NodeSetup;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The example of docs/testing.md, "Testing your entities across JVMs": an application's own
 * replicated entity (a shopping cart) in three replica JVMs, asked from the test, from inside a
 * node, through a crash and a restart.
 */
public class ShoppingCartAcrossJvmsTest {

  // ---- the application's entity (normally in src/main) ----------------------------------------

  public record AddItem(String item) implements Serializable {}

  public record Items(List<String> items) implements Serializable {}

  public static final EntityTypeKey<AddItem, Items> CART = EntityTypeKey.create("cart", AddItem.class, Items.class);

  /** Deterministic: every replica applies the same commands in the same order. */
  public static final class Cart implements ReplicatedEntity<AddItem, Items> {
    private final List<String> items = new ArrayList<>();

    @Override
    public Items handle(AddItem command) {
      items.add(command.item());
      return new Items(List.copyOf(items));
    }

    @Override
    public byte[] snapshot() {
      return String.join("\n", items).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void restore(byte[] snapshot) {
      items.clear();
      String s = new String(snapshot, StandardCharsets.UTF_8);
      if (!s.isEmpty()) {
        items.addAll(Arrays.asList(s.split("\n")));
      }
    }
  }

  // ---- what every replica JVM hosts ---------------------------------------------------------------

  public static final class CartSetup implements NodeSetup {
    @Override
    public List<EntityType<?, ?>> entityTypes() {
      return List.of(EntityType.of(CART, id -> new Cart()));
    }
  }

  // ---- the test ---------------------------------------------------------------------------------

  /** Commands cross JVMs through Pekko serialization: bind them as in production (Java serialization here). */
  private static final String SERIALIZATION = String.join("\n",
      "pekko.actor.allow-java-serialization = on",
      "pekko.actor.warn-about-java-serializer-usage = off",
      "pekko.actor.serialization-bindings {",
      "  \"" + AddItem.class.getName() + "\" = java",
      "  \"" + Items.class.getName() + "\" = java",
      "}");

  @RegisterExtension
  static final ChoraClusterExtension CLUSTER =
      ChoraClusterExtension.of(CartSetup.class, b -> b.replicas(3).config(SERIALIZATION));

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void theCartSurvivesTheCrashOfAReplica() throws Exception {
    ChoraCluster cluster = CLUSTER.get();
    // From the test JVM, a cluster member without a replica: its gateway picks a replica.
    cluster.entityRefFor(CART, "alice").ask(new AddItem("apple"), TIMEOUT).toCompletableFuture().get();

    cluster.node(2).kill(); // kill -9: the other two keep serving
    Items items = cluster.entityRefFor(CART, "alice").ask(new AddItem("pear"), TIMEOUT).toCompletableFuture().get();
    assertEquals(List.of("apple", "pear"), items.items());

    // From inside node 0's JVM, through its own gateway and replica.
    assertEquals(List.of("apple", "pear", "plum"), cluster.node(0).ask(CART, "alice", new AddItem("plum"), TIMEOUT).items());

    cluster.node(2).restart(); // same address, state lost: it recovers by state transfer
    cluster.awaitAllActive(Duration.ofSeconds(90));
    cluster.awaitConverged(Duration.ofSeconds(30)); // every replica holds the same state digest
  }

  /** Runs in each node's JVM: adds the node's own item, then waits for the others at a barrier. */
  public static final class AddOwnItem implements NodeAction {
    @Override
    public String run(NodeContext node, String cartId) throws Exception {
      node.chora().entityRefFor(CART, cartId).ask(new AddItem("item-of-node-" + node.replicaId()), TIMEOUT)
          .toCompletableFuture().get();
      node.enterBarrier("added");
      return "ok";
    }
  }

  @Test
  void everyNodeAddsAnItemThenTheyMeetAtABarrier() throws Exception {
    ChoraCluster cluster = CLUSTER.get();
    cluster.nodes().forEach(n -> {
      if (!n.isAlive()) {
        throw new IllegalStateException(n + " is down");
      }
    });
    List<CompletableFuture<String>> runs = new ArrayList<>();
    cluster.nodes().forEach(n -> runs.add(n.runAsync(AddOwnItem.class, "bob")));
    cluster.enterBarrier("added"); // passes once every node has added its item
    for (CompletableFuture<String> r : runs) {
      assertEquals("ok", r.get(30, TimeUnit.SECONDS));
    }
    Items items = cluster.entityRefFor(CART, "bob").ask(new AddItem("last"), TIMEOUT).toCompletableFuture().get();
    assertEquals(4, items.items().size());
    assertEquals("last", items.items().get(3));
  }
}
