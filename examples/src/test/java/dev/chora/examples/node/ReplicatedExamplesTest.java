package dev.chora.examples.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.chora.actors.Chora;
import dev.chora.actors.StateDigest;
import dev.chora.examples.ExampleEntities;
import dev.chora.examples.bank.BankCommand;
import dev.chora.examples.bank.BankReply;
import dev.chora.examples.counter.Add;
import dev.chora.examples.counter.Total;
import dev.chora.examples.kv.KvCommand;
import dev.chora.examples.kv.KvReply;
import dev.chora.transport.launch.ArteryTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example entities replicated for real: three replica actor systems and one client node in
 * this JVM, configured by {@link NodeConfig} as {@code chora node} does, over Artery TCP; commands
 * and replies cross the network through the examples' serializer. The replicas are durable (the
 * default), each with its data directory in a temporary directory.
 */
class ReplicatedExamplesTest {
  final List<ActorSystem<Void>> systems = new ArrayList<>();
  @TempDir
  java.nio.file.Path dataDirs;

  @AfterEach
  void stop() throws Exception {
    for (ActorSystem<Void> s : systems) {
      s.terminate();
    }
    for (ActorSystem<Void> s : systems) {
      s.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void keyValueBankAndCounterFromAClientNode() throws Exception {
    List<String> replicas = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      replicas.add(ArteryTransport.address(NodeConfig.SYSTEM_NAME, ArteryTransport.freePort()));
    }
    String common = "node.transport = tcp\n"
        + "chora.protocol.round-timeout = 20ms\nchora.protocol.view-change-timeout = 200ms\n"
        + "pekko.actor.allow-java-serialization = off\n"
        + "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on\n";
    for (int i = 0; i < 3; i++) {
      // Durable, the default, each replica in a directory of its own under the test's.
      Config c = NodeConfig.build(ConfigFactory.parseString(common + "chora.storage.data-dir = \""
          + dataDirs.resolve("replica-" + i) + "\"\n"), i, replicas, false);
      ActorSystem<Void> s = ActorSystem.create(Behaviors.empty(), "chora", c);
      systems.add(s);
      Chora.get(s).startReplica(ExampleEntities.all());
    }
    Config clientConfig = NodeConfig.build(ConfigFactory.parseString(common
        + "node.hostname = \"" + ArteryTransport.HOST + "\"\n"
        + "node.port = " + ArteryTransport.freePort() + "\n"), -1, replicas, false);
    ActorSystem<Void> client = ClientNode.start(clientConfig, Duration.ofSeconds(60));
    systems.add(client);
    ClientNode.awaitAllNormal(client, 3, Duration.ofSeconds(60));
    Duration t = Duration.ofSeconds(20);
    Chora chora = Chora.get(client);

    var kv = chora.entityRefFor(ExampleEntities.KV, "store");
    assertEquals(new KvReply(true, null), get(kv.ask(new KvCommand.Put("a", "1"), t)));
    assertEquals(new KvReply(false, "1"), get(kv.ask(new KvCommand.CompareAndSet("a", "0", "2"), t)));
    assertEquals(new KvReply(true, "2"), get(kv.ask(new KvCommand.CompareAndSet("a", "1", "2"), t)));
    assertEquals(new KvReply(true, "2"), get(kv.ask(new KvCommand.Delete("a"), t)));
    assertEquals(new KvReply(false, null), get(kv.ask(new KvCommand.Get("a"), t)));
    // Round-barrier reads: they see every write completed before them, and change nothing.
    assertEquals(new KvReply(true, null), get(kv.ask(new KvCommand.Put("r", "v1"), t)));
    assertEquals(new KvReply(true, "v1"), get(kv.askRead(new KvCommand.Get("r"), t)));
    assertEquals(new KvReply(true, "v1"), get(kv.ask(new KvCommand.Put("r", "v2"), t)));
    assertEquals(new KvReply(true, "v2"), get(kv.askRead(new KvCommand.Get("r"), t)));
    assertEquals(new KvReply(false, null),
        get(chora.entityRefFor(ExampleEntities.KV, "never-written").askRead(new KvCommand.Get("x"), t)));
    java.util.concurrent.ExecutionException notARead = org.junit.jupiter.api.Assertions.assertThrows(
        java.util.concurrent.ExecutionException.class,
        () -> kv.askRead(new KvCommand.Put("r", "v3"), t).toCompletableFuture().get(20, TimeUnit.SECONDS));
    assertTrue(notARead.getCause() instanceof dev.chora.actors.entity.EntityCommandFailedException,
        String.valueOf(notARead.getCause()));
    assertEquals(new KvReply(true, "v2"), get(kv.ask(new KvCommand.Get("r"), t)), "the refused read changed nothing");

    var bank = chora.entityRefFor(ExampleEntities.BANK, "bank");
    assertTrue(get(bank.ask(new BankCommand.Open("alice", 100), t)).ok());
    assertTrue(get(bank.ask(new BankCommand.Open("bob", 50), t)).ok());
    List<CompletableFuture<BankReply>> transfers = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      transfers.add(bank.ask(i % 2 == 0 ? new BankCommand.Transfer("alice", "bob", 7)
          : new BankCommand.Transfer("bob", "alice", 5), t).toCompletableFuture());
    }
    for (CompletableFuture<BankReply> f : transfers) {
      f.get(30, TimeUnit.SECONDS);
    }
    assertEquals(BankReply.ok(150), get(bank.ask(new BankCommand.GetTotal(), t)));

    var counter = chora.entityRefFor(ExampleEntities.COUNTER, "counter-42");
    List<CompletableFuture<Total>> adds = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      adds.add(counter.ask(new Add(1), t).toCompletableFuture());
    }
    for (CompletableFuture<Total> f : adds) {
      f.get(30, TimeUnit.SECONDS);
    }
    assertEquals(new Total(30), get(counter.ask(new Add(0), t)));

    // Every replica holds the same state once the commands are applied everywhere.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      List<StateDigest> d = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        d.add(chora.stateDigest(i).toCompletableFuture().get(10, TimeUnit.SECONDS));
      }
      if (d.stream().allMatch(x -> x.sha256().equals(d.get(0).sha256()))) {
        break;
      }
      assertTrue(System.nanoTime() < deadline, "digests differ: " + d);
      Thread.sleep(100);
    }
  }

  static <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
