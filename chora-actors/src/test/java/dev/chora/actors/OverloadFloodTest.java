package dev.chora.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.actors.client.ChoraOverloadedException;
import dev.chora.actors.client.ChoraSessionExpiredException;
import dev.chora.actors.entity.EntityRef;
import dev.chora.actors.entity.EntityType;
import dev.chora.actors.entity.EntityTypeKey;
import dev.chora.actors.entity.ReplicatedEntity;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A flood: far more commands in flight than the replicas' queues hold (600 against 3 x 8). The
 * replicas refuse what they cannot hold, the gateways back off and then
 * fail those asks with {@link ChoraOverloadedException}, memory stays within the bounds, no write
 * is lost or applied twice, and the group serves normally afterwards. Then the same with more
 * sessions than the client table holds: forgotten sessions' commands fail with
 * {@link ChoraSessionExpiredException}, and none applies twice. And a forgotten idle session: its
 * next command, certainly not applied, goes again in a new session.
 */
class OverloadFloodTest {
  /** Appends {@code value} to the log, or (a negative value) reads the whole log. */
  public record LogOp(long value) implements Serializable {}

  public record LogReply(long[] values) implements Serializable {}

  static final EntityTypeKey<LogOp, LogReply> LOG = EntityTypeKey.create("append-log", LogOp.class, LogReply.class);

  static final class AppendLog implements ReplicatedEntity<LogOp, LogReply> {
    final List<Long> values = new ArrayList<>();

    @Override
    public LogReply handle(LogOp op) {
      if (op.value() >= 0) {
        values.add(op.value());
        return new LogReply(new long[0]);
      }
      return new LogReply(values.stream().mapToLong(Long::longValue).toArray());
    }

    @Override
    public byte[] snapshot() {
      ByteBuffer b = ByteBuffer.allocate(8 * values.size());
      values.forEach(b::putLong);
      return b.array();
    }

    @Override
    public void restore(byte[] snapshot) {
      ByteBuffer b = ByteBuffer.wrap(snapshot);
      while (b.hasRemaining()) {
        values.add(b.getLong());
      }
    }
  }

  static final int MAX_QUEUED = 8;
  /** Above the 600 sessions in flight: the client table remembers every one. */
  static final int MAX_CLIENTS = 4096;
  /**
   * Far below the 600 sessions in flight: the client table forgets sessions while their requests
   * are still queued or being resent, and a forgotten session's late retry must not execute again.
   */
  static final int FEW_CLIENTS = 16;
  static final int LOGS_PER_NODE = 4;
  static final int SLOTS_PER_LOG = 50; // 600 commands in flight against 3 x 8 queue places
  static final Duration ASK_TIMEOUT = Duration.ofSeconds(10);

  LocalGroup group;
  final ExecutorService loop = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() throws Exception {
    loop.shutdownNow();
    if (group != null) {
      group.close();
    }
  }

  /** How an ask ended; an expired session's command is refused like an overloaded one. */
  enum Outcome { OK, REFUSED_NOT_APPLIED, REFUSED_MAY_HAVE_APPLIED, EXPIRED_NOT_APPLIED, EXPIRED_MAY_HAVE_APPLIED,
    TIMED_OUT }

  @Test
  void aFloodIsRefusedExplicitlyWithinBoundsLosesNoWriteAndTheGroupServesAfter() throws Exception {
    // Retries of accepted requests stay rare with a retry-after well above the commit latency.
    flood(MAX_CLIENTS, "2s", false);
  }

  /**
   * More sessions than the client table holds, and requests resent soon after they were sent, so
   * that many are executed, forgotten and then retried: every late retry of a forgotten session
   * is refused, none executes again.
   */
  @Test
  void aFloodOfMoreClientsThanTheTableHoldsExecutesNoWriteTwice() throws Exception {
    flood(FEW_CLIENTS, "150ms", true);
  }

  private void flood(int maxClients, String retryAfter, boolean sessionsExpire) throws Exception {
    group = new LocalGroup(3, "pekko.actor.provider = remote\n"
        + "pekko.actor.allow-java-serialization = on\n"
        + "pekko.actor.warn-about-java-serializer-usage = off\n"
        + "chora.protocol.round-timeout = 20ms\n"
        + "chora.protocol.view-change-timeout = 200ms\n"
        + "chora.protocol.max-queued-requests = " + MAX_QUEUED + "\n"
        + "chora.protocol.max-clients = " + maxClients + "\n"
        + "chora.client.retry-after = " + retryAfter + "\n"
        + "chora.client.overloaded-retries = 3\n"
        + "chora.client.overloaded-max-backoff = 40ms\n");
    for (ActorSystem<Void> system : group.systems) {
      Chora.get(system).startReplica(List.of(EntityType.of(LOG, id -> new AppendLog())));
    }

    Map<Long, Outcome> outcomes = new ConcurrentHashMap<>();
    Map<Long, String> unexpected = new ConcurrentHashMap<>();
    AtomicBoolean flooding = new AtomicBoolean(true);
    List<CompletableFuture<Void>> slots = new ArrayList<>();
    for (int node = 0; node < 3; node++) {
      for (int log = 0; log < LOGS_PER_NODE; log++) {
        EntityRef<LogOp, LogReply> ref = Chora.get(group.get(node)).entityRefFor(LOG, "log-" + node + "-" + log);
        for (int slot = 0; slot < SLOTS_PER_LOG; slot++) {
          long base = ((node * 100L + log) * 1_000L + slot) * 1_000_000L; // unique values per slot
          CompletableFuture<Void> done = new CompletableFuture<>();
          slots.add(done);
          append(ref, base, outcomes, unexpected, flooding, done);
        }
      }
    }
    int[] maxQueued = new int[3];
    long floodEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (System.nanoTime() < floodEnd) {
      for (int id = 0; id < 3; id++) {
        ReplicaStatus s = Chora.get(group.get(0)).replicaStatus(id).toCompletableFuture().get(10, TimeUnit.SECONDS);
        maxQueued[id] = Math.max(maxQueued[id], s.requests().queued());
      }
    }
    flooding.set(false);
    CompletableFuture.allOf(slots.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    assertTrue(unexpected.isEmpty(), "only overload and expired-session refusals and timeouts may fail an ask: "
        + unexpected);
    Map<Outcome, Integer> counts = new HashMap<>();
    outcomes.values().forEach(o -> counts.merge(o, 1, Integer::sum));
    assertTrue(counts.getOrDefault(Outcome.OK, 0) > 0, "some writes were acknowledged: " + counts);
    assertTrue(counts.getOrDefault(Outcome.REFUSED_NOT_APPLIED, 0) + counts.getOrDefault(
        Outcome.REFUSED_MAY_HAVE_APPLIED, 0) > 0, "the flood was refused explicitly (ChoraOverloadedException): " + counts);
    int expired = counts.getOrDefault(Outcome.EXPIRED_NOT_APPLIED, 0)
        + counts.getOrDefault(Outcome.EXPIRED_MAY_HAVE_APPLIED, 0);
    assertTrue(sessionsExpire ? expired > 0 : expired == 0, "sessions expired " + expired + " times: " + counts);
    for (int id = 0; id < 3; id++) {
      assertTrue(maxQueued[id] <= MAX_QUEUED, "replica " + id + " queued " + maxQueued[id] + " > " + MAX_QUEUED);
    }

    // Normal service after the flood: a fresh write is answered at once, not after backing off.
    long t0 = System.nanoTime();
    Chora.get(group.get(0)).entityRefFor(LOG, "after").ask(new LogOp(1), ASK_TIMEOUT)
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
    long afterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(afterMillis < 5_000, "a write after the flood took " + afterMillis + " ms");

    // History: every acknowledged write present once, a refused one absent (or, if an attempt went
    // unanswered, present at most once), no write present twice or from nowhere.
    Map<Long, Integer> present = new HashMap<>();
    for (int node = 0; node < 3; node++) {
      for (int log = 0; log < LOGS_PER_NODE; log++) {
        long[] values = Chora.get(group.get(0)).entityRefFor(LOG, "log-" + node + "-" + log)
            .ask(new LogOp(-1), ASK_TIMEOUT).toCompletableFuture().get(20, TimeUnit.SECONDS).values();
        for (long v : values) {
          present.merge(v, 1, Integer::sum);
        }
      }
    }
    List<String> wrong = new ArrayList<>();
    present.forEach((v, times) -> {
      if (!outcomes.containsKey(v)) {
        wrong.add(v + " present but never acknowledged nor failed");
      } else if (times > 1) {
        wrong.add(v + " present " + times + " times (" + outcomes.get(v) + ")");
      }
    });
    outcomes.forEach((v, o) -> {
      int times = present.getOrDefault(v, 0);
      if (o == Outcome.OK && times != 1) {
        wrong.add(v + " acknowledged but present " + times + " times");
      } else if ((o == Outcome.REFUSED_NOT_APPLIED || o == Outcome.EXPIRED_NOT_APPLIED) && times != 0) {
        wrong.add(v + " refused as not applied but present " + times + " times");
      }
    });
    assertTrue(wrong.isEmpty(), wrong.size() + " history violations, e.g. "
        + wrong.subList(0, Math.min(10, wrong.size())) + "; outcomes " + counts);
    assertEveryReplicaHasTheSameDigest();
  }

  /**
   * A client table of two sessions: a node's idle session is forgotten while other nodes' sessions
   * execute. Its next command is refused as of an expired session on every replica, certainly not
   * applied, so the entity client sends it once more in a new session and the caller sees success.
   */
  @Test
  void aCommandInAForgottenIdleSessionGoesAgainInANewOneAndAppliesOnce() throws Exception {
    group = new LocalGroup(3, "pekko.actor.provider = remote\n"
        + "pekko.actor.allow-java-serialization = on\n"
        + "pekko.actor.warn-about-java-serializer-usage = off\n"
        + "chora.protocol.max-clients = 2\n");
    for (ActorSystem<Void> system : group.systems) {
      Chora.get(system).startReplica(List.of(EntityType.of(LOG, id -> new AppendLog())));
    }
    append(0, 1); // node 0's session, idle from now on
    append(1, 2); // two more sessions: node 0's is forgotten
    append(2, 3);
    append(0, 4); // refused as expired, sent again in a new session
    long[] values = Chora.get(group.get(1)).entityRefFor(LOG, "log").ask(new LogOp(-1), ASK_TIMEOUT)
        .toCompletableFuture().get(30, TimeUnit.SECONDS).values();
    assertArrayEquals(new long[] {1, 2, 3, 4}, values, "every write applied once, in order");
  }

  private void append(int node, long value) throws Exception {
    Chora.get(group.get(node)).entityRefFor(LOG, "log").ask(new LogOp(value), ASK_TIMEOUT)
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** One slot's closed loop: append the next value, record the outcome, until the flood ends. */
  private void append(EntityRef<LogOp, LogReply> ref, long value, Map<Long, Outcome> outcomes,
      Map<Long, String> unexpected, AtomicBoolean flooding, CompletableFuture<Void> done) {
    if (!flooding.get()) {
      done.complete(null);
      return;
    }
    ref.ask(new LogOp(value), ASK_TIMEOUT).whenCompleteAsync((reply, error) -> {
      Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
      if (cause == null) {
        outcomes.put(value, Outcome.OK);
      } else if (cause instanceof ChoraOverloadedException o) {
        outcomes.put(value, o.mayHaveApplied() ? Outcome.REFUSED_MAY_HAVE_APPLIED : Outcome.REFUSED_NOT_APPLIED);
      } else if (cause instanceof ChoraSessionExpiredException e) {
        outcomes.put(value, e.mayHaveApplied() ? Outcome.EXPIRED_MAY_HAVE_APPLIED : Outcome.EXPIRED_NOT_APPLIED);
      } else if (cause instanceof TimeoutException) {
        outcomes.put(value, Outcome.TIMED_OUT);
      } else {
        unexpected.put(value, String.valueOf(cause));
      }
      append(ref, value + 1, outcomes, unexpected, flooding, done);
    }, loop);
  }

  /** The replicas agree on the state once they have executed the same rounds. */
  private void assertEveryReplicaHasTheSameDigest() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    Set<String> seen = new HashSet<>();
    while (System.nanoTime() < deadline) {
      seen.clear();
      for (int id = 0; id < 3; id++) {
        StateDigest d = Chora.get(group.get(0)).stateDigest(id).toCompletableFuture().get(10, TimeUnit.SECONDS);
        seen.add(d.executedRound() + ":" + d.sha256());
      }
      if (seen.size() == 1) {
        return;
      }
      Thread.sleep(50);
    }
    assertEquals(1, seen.size(), "the replicas' digests never agreed: " + seen);
  }
}
