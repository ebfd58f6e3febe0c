package dev.chora.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.actors.client.ClientGateway;
import dev.chora.actors.entity.EntityClient;
import dev.chora.actors.entity.EntityCommandFailedException;
import dev.chora.actors.entity.EntityCommandNotDecodedException;
import dev.chora.actors.entity.EntityType;
import dev.chora.actors.entity.EntityTypeKey;
import dev.chora.actors.entity.ReplicatedEntity;
import dev.chora.actors.replica.ReplicaActor;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.Request;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An entity that throws, a checked exception or an unchecked one, fails its caller's ask and
 * nothing else: every replica answers the command with the same error, keeps what the entity
 * changed before it threw, and goes on serving, with the same state digest everywhere.
 */
class ThrowingEntityTest {
  /** A posting; {@code fail} says how the ledger fails after applying it ("checked", "unchecked" or none). */
  public record Post(long amount, String fail) implements Serializable {}

  public record Balance(long value) implements Serializable {}

  static final EntityTypeKey<Post, Balance> LEDGER = EntityTypeKey.create("ledger", Post.class, Balance.class);

  /** Applies the amount, then throws as asked: the change before the throw is kept, alike everywhere. */
  static final class Ledger implements ReplicatedEntity<Post, Balance> {
    long balance;

    @Override
    public Balance handle(Post post) {
      balance += post.amount();
      if (post.fail().equals("checked")) {
        throw ThrowingEntityTest.<RuntimeException>sneaky(new IOException("the ledger's disk is full"));
      }
      if (post.fail().equals("unchecked")) {
        throw new IllegalStateException("a bug in the ledger");
      }
      return new Balance(balance);
    }

    @Override
    public byte[] snapshot() {
      return ByteBuffer.allocate(8).putLong(balance).array();
    }

    @Override
    public void restore(byte[] snapshot) {
      balance = ByteBuffer.wrap(snapshot).getLong();
    }
  }

  /** Throws a checked exception undeclared, as Scala code, Lombok's @SneakyThrows or Pekko's Try.get do. */
  @SuppressWarnings("unchecked")
  static <T extends Throwable> T sneaky(Throwable t) throws T {
    throw (T) t;
  }

  static final Duration TIMEOUT = Duration.ofSeconds(15);

  LocalGroup group;
  final List<ActorRef<ReplicaActor.Command>> replicas = new java.util.ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    if (group != null) {
      group.close();
    }
  }

  void start() throws Exception {
    group = new LocalGroup(3, "pekko.actor.provider = remote\n"
        + "pekko.actor.allow-java-serialization = on\n"
        + "pekko.actor.warn-about-java-serializer-usage = off\n"
        + "chora.protocol.round-timeout = 20ms\n"
        + "chora.protocol.view-change-timeout = 200ms\n");
    for (ActorSystem<Void> system : group.systems) {
      replicas.add(Chora.get(system).startReplica(List.of(EntityType.of(LEDGER, id -> new Ledger()))));
    }
  }

  long post(int node, long amount, String fail) throws Exception {
    return Chora.get(group.get(node)).entityRefFor(LEDGER, "l").ask(new Post(amount, fail), TIMEOUT)
        .toCompletableFuture().get(30, TimeUnit.SECONDS).value();
  }

  Throwable failedPost(long amount, String fail) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> post(0, amount, fail));
    return e.getCause();
  }

  @Test
  void aThrowingEntityFailsTheAskAndTheGroupGoesOnInAgreement() throws Exception {
    start();
    assertEquals(5, post(0, 5, ""));

    Throwable checked = failedPost(10, "checked");
    assertInstanceOf(EntityCommandFailedException.class, checked, "the caller hears why: " + checked);
    assertTrue(!(checked instanceof EntityCommandNotDecodedException), "it was decoded: " + checked);
    assertTrue(checked.getMessage().contains("\"ledger\"") && checked.getMessage().contains("IOException")
        && checked.getMessage().contains("the ledger's disk is full"), checked.getMessage());

    Throwable unchecked = failedPost(100, "unchecked");
    assertInstanceOf(EntityCommandFailedException.class, unchecked, "the caller hears why: " + unchecked);
    assertTrue(unchecked.getMessage().contains("a bug in the ledger"), unchecked.getMessage());

    // What the ledger applied before it threw stays applied, on every replica alike.
    for (int node = 0; node < 3; node++) {
      assertEquals(116 + node, post(node, 1, ""), "asked from node " + node);
    }
    assertEveryReplicaServesWithTheSameDigest();
  }

  /**
   * The error is the command's recorded reply: a retry of the same (client id, seq), as a gateway
   * sends after a lost reply, gets the same error and does not apply the command again.
   */
  @Test
  void aRetryOfAFailedCommandGetsTheSameErrorAndAppliesNothing() throws Exception {
    start();
    // The entity client's encoding of the command, caught on its way to the gateway.
    TestProbe<ClientGateway.Ask> gateway = TestProbe.create(group.get(0));
    EntityClient client = new EntityClient(group.get(0), gateway.getRef(), 8, 1 << 20);
    CompletableFuture<Balance> ask = client.entityRefFor(LEDGER, "l").ask(new Post(7, "checked"), TIMEOUT)
        .toCompletableFuture();
    // A new entity client first opens a session; that is answered here too.
    ClientGateway.Ask opening = gateway.expectMessageClass(ClientGateway.Ask.class);
    assertTrue(opening.request().opensSession(), "a session is opened first: " + opening.request());
    opening.result().complete(submitUntilOk(opening.request()));
    ClientGateway.Ask sent = gateway.expectMessageClass(ClientGateway.Ask.class);

    ClientReply first = submitUntilOk(sent.request());
    ClientReply retry = submitUntilOk(sent.request());
    assertArrayEquals(first.result(), retry.result(), "the retry is answered from the client table");
    sent.result().complete(first);
    ExecutionException e = assertThrows(ExecutionException.class, () -> ask.get(10, TimeUnit.SECONDS));
    assertInstanceOf(EntityCommandFailedException.class, e.getCause());

    assertEquals(8, post(1, 1, ""), "the failed command applied once");
    assertEveryReplicaServesWithTheSameDigest();
  }

  /** Submits to each replica in turn until one answers OK (a view change may refuse it at first). */
  ClientReply submitUntilOk(Request request) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (int attempt = 0; ; attempt++) {
      int r = attempt % 3;
      try {
        ClientReply reply = AskPattern.<ReplicaActor.Command, ClientReply>ask(replicas.get(r),
            replyTo -> new ReplicaActor.Submit(request, replyTo), Duration.ofSeconds(3), group.get(r).scheduler())
            .toCompletableFuture().get(5, TimeUnit.SECONDS);
        if (reply.status() == ClientReply.Status.OK) {
          return reply;
        }
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no replica applied " + request);
      }
      Thread.sleep(50);
    }
  }

  /** Every replica answers its digest, all at the same executed round with the same hash. */
  void assertEveryReplicaServesWithTheSameDigest() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      StateDigest[] d = new StateDigest[3];
      for (int i = 0; i < 3; i++) {
        d[i] = Chora.get(group.get(0)).stateDigest(i).toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
      boolean sameRound = d[0].executedRound() == d[1].executedRound() && d[1].executedRound() == d[2].executedRound();
      if (sameRound || System.nanoTime() > deadline) {
        assertTrue(sameRound, "rounds differ: " + List.of(d));
        assertEquals(d[0].sha256(), d[1].sha256());
        assertEquals(d[0].sha256(), d[2].sha256());
        return;
      }
      Thread.sleep(50);
    }
  }
}
