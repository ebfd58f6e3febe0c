package dev.chora.actors.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.message.ClientBatch;
import dev.chora.runtime.message.ClientReplies;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The gateway against probes standing in for the replicas. */
class ClientGatewayTest {
  static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  /**
   * Many large commands asked at once must not make one batch larger than the transport's frame
   * (it would be dropped, and every retry with it): the gateway sends them as several batches, each
   * within max-batch-bytes, and loses none.
   */
  @Test
  void aBacklogOfLargeCommandsGoesOutInBatchesWithinMaxBatchBytes() {
    List<TestProbe<Object>> replicas = List.of(KIT.createTestProbe(), KIT.createTestProbe(), KIT.createTestProbe());
    ActorRefResolver resolver = ActorRefResolver.get(KIT.system());
    List<String> paths = new ArrayList<>();
    replicas.forEach(r -> paths.add(resolver.toSerializationFormat(r.getRef())));
    int maxBatchBytes = 64 * 1024;
    ActorRef<Object> gateway = KIT.spawn(ClientGateway.create(settings(paths, maxBatchBytes, 1_000, () -> {})));

    int commands = 100;
    int commandBytes = 10_000;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (int i = 0; i < commands; i++) {
      gateway.tell(new ClientGateway.Ask(new Request(1_000 + i, 1, new byte[commandBytes]), false, deadline,
          new CompletableFuture<ClientReply>()));
    }

    Set<Long> received = new HashSet<>();
    int batches = 0;
    while (received.size() < commands) {
      ClientBatch batch = replicas.get(0).expectMessageClass(ClientBatch.class, Duration.ofSeconds(5));
      batches++;
      int bytes = 0;
      for (Request r : batch.requests()) {
        bytes += r.command().length + ClientGateway.REQUEST_OVERHEAD_BYTES;
        assertTrue(received.add(r.clientId()), "client " + r.clientId() + " sent once");
      }
      assertTrue(bytes <= maxBatchBytes, "batch " + batches + " carries " + bytes + " bytes, over " + maxBatchBytes);
    }
    assertEquals(commands, received.size());
    assertTrue(batches >= commands * (commandBytes + ClientGateway.REQUEST_OVERHEAD_BYTES) / maxBatchBytes,
        batches + " batches");
    replicas.get(1).expectNoMessage(Duration.ofMillis(50));
  }

  static ClientGateway.Settings settings(List<String> paths, int maxBatchBytes, int maxPending, Runnable onStop) {
    return new ClientGateway.Settings(0, paths, Duration.ofSeconds(30), Duration.ofMillis(5), 8,
        Duration.ofMillis(500), Duration.ofSeconds(1),
        maxBatchBytes, maxPending, onStop);
  }

  private static List<String> probePaths(int n) {
    ActorRefResolver resolver = ActorRefResolver.get(KIT.system());
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      paths.add(resolver.toSerializationFormat(KIT.<Object>createTestProbe().getRef()));
    }
    return paths;
  }

  private static ClientGateway.Ask ask(long clientId, long seq) {
    return new ClientGateway.Ask(new Request(clientId, seq, new byte[8]), false,
        System.nanoTime() + TimeUnit.SECONDS.toNanos(30), new CompletableFuture<>());
  }

  /** A stopping gateway fails every ask still waiting, and says so, instead of leaving callers hanging. */
  @Test
  void aStoppedGatewayFailsEveryWaitingAskAndRunsOnStop() throws Exception {
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    TestProbe<Object> replica = KIT.createTestProbe();
    List<String> paths = List.of(ActorRefResolver.get(KIT.system()).toSerializationFormat(replica.getRef()));
    ActorRef<Object> gateway = KIT.spawn(ClientGateway.create(settings(paths, 64 * 1024, 100,
        () -> stopped.complete(null))));
    List<ClientGateway.Ask> asks = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      asks.add(ask(2_000 + i, 1));
      gateway.tell(asks.get(i));
    }
    int sent = 0;
    while (sent < asks.size()) {
      sent += replica.expectMessageClass(ClientBatch.class).requests().size(); // in the gateway's hands
    }
    KIT.stop(gateway, Duration.ofSeconds(5));
    stopped.get(5, TimeUnit.SECONDS);
    for (ClientGateway.Ask a : asks) {
      ExecutionException e = assertThrows(ExecutionException.class, () -> a.result().get(5, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof IllegalStateException && e.getCause().getMessage().contains("stopped"),
          "why: " + e.getCause());
    }
  }

  /** One request at a time per client id: a second one is refused, and the first still waits for its answer. */
  @Test
  void aSecondAskOfTheSameClientIdIsRefusedWhileTheFirstWaits() throws Exception {
    ActorRef<Object> gateway = KIT.spawn(ClientGateway.create(settings(probePaths(3), 64 * 1024, 100, () -> {})));
    ClientGateway.Ask first = ask(3_000, 1);
    ClientGateway.Ask second = ask(3_000, 2);
    gateway.tell(first);
    gateway.tell(second);
    ExecutionException e = assertThrows(ExecutionException.class, () -> second.result().get(5, TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains("one request at a time per client id"), "why: " + e.getCause());
    assertFalse(first.result().isDone(), "the first ask still waits for its answer");
    KIT.stop(gateway, Duration.ofSeconds(5));
  }

  /** Past max-in-flight waiting asks the gateway answers at once with an overload error, buffering nothing more. */
  @Test
  void askBeyondMaxPendingAreRejectedAtOnce() throws Exception {
    ActorRef<Object> gateway = KIT.spawn(ClientGateway.create(settings(probePaths(3), 64 * 1024, 4, () -> {})));
    List<ClientGateway.Ask> asks = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      asks.add(ask(4_000 + i, 1));
      gateway.tell(asks.get(i));
    }
    for (int i = 4; i < 6; i++) {
      int k = i;
      ExecutionException e = assertThrows(ExecutionException.class, () -> asks.get(k).result().get(5, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof RejectedExecutionException, "ask " + k + ": " + e.getCause());
    }
    for (int i = 0; i < 4; i++) {
      assertFalse(asks.get(i).result().isDone(), "ask " + i + " is in flight");
    }
    KIT.stop(gateway, Duration.ofSeconds(5));
  }

  /**
   * A view that excludes a replica moves its requests elsewhere; a later view that takes it back
   * makes the gateway send it its share again (the restarted replica's case).
   */
  @Test
  void aReplicaTakenBackByALaterViewGetsItsShareAgain() throws Exception {
    List<TestProbe<Object>> replicas = List.of(KIT.createTestProbe(), KIT.createTestProbe(), KIT.createTestProbe());
    ActorRefResolver resolver = ActorRefResolver.get(KIT.system());
    List<String> paths = new ArrayList<>();
    replicas.forEach(r -> paths.add(resolver.toSerializationFormat(r.getRef())));
    // A node without a replica: client id c is homed at replica c mod 3.
    ActorRef<Object> gateway = KIT.spawn(ClientGateway.create(new ClientGateway.Settings(-1, paths,
        Duration.ofSeconds(30), Duration.ofMillis(5), 8, Duration.ofMillis(500), Duration.ofSeconds(1), 64 * 1024, 100,
        () -> {})));

    ClientGateway.Ask first = ask(5_000, 1); // homed at replica 2
    gateway.tell(first);
    replicas.get(2).expectMessageClass(ClientBatch.class);
    gateway.tell(new ClientReplies(8, 0b101, List.of(ClientReply.ok(5_000, 1, new byte[1]))));
    first.result().get(5, TimeUnit.SECONDS);

    ClientGateway.Ask whileOut = ask(5_002, 1); // homed at replica 1, out of view 8
    gateway.tell(whileOut);
    assertEquals(5_002, replicas.get(2).expectMessageClass(ClientBatch.class).requests().get(0).clientId());
    replicas.get(1).expectNoMessage(Duration.ofMillis(50));
    gateway.tell(new ClientReplies(9, 0b111, List.of(ClientReply.ok(5_002, 1, new byte[1]))));
    whileOut.result().get(5, TimeUnit.SECONDS);

    ClientGateway.Ask back = ask(5_005, 1); // homed at replica 1 again, which view 9 took back
    gateway.tell(back);
    assertEquals(5_005, replicas.get(1).expectMessageClass(ClientBatch.class).requests().get(0).clientId());
    KIT.stop(gateway, Duration.ofSeconds(5));
  }

  /**
   * Replicas that refuse every attempt as OVERLOADED: the gateway resends a bounded number of times,
   * the pauses growing (doubling from refused-pause, jittered between half and all of each bound)
   * up to overloaded-max-backoff, then fails the ask with a ChoraOverloadedException that says the
   * command was not applied, long before the caller's deadline, rather than resending every 5 ms
   * until a TimeoutException.
   */
  @Test
  void anAskRefusedAsOverloadedBacksOffThenFailsWithTheOverloadException() throws Exception {
    TestProbe<Object> replica = KIT.createTestProbe();
    List<String> paths = List.of(ActorRefResolver.get(KIT.system()).toSerializationFormat(replica.getRef()));
    int retries = 6;
    long pauseMillis = 10;
    long maxBackoffMillis = 80;
    ActorRef<Object> gateway = KIT.spawn(ClientGateway.create(new ClientGateway.Settings(0, paths,
        Duration.ofSeconds(30), Duration.ofMillis(pauseMillis), retries, Duration.ofMillis(maxBackoffMillis),
        Duration.ofMillis(1), 64 * 1024, 100, () -> {})));
    long start = System.nanoTime();
    ClientGateway.Ask a = ask(6_000, 1); // deadline in 30 s
    gateway.tell(a);
    List<Long> sentAt = new ArrayList<>();
    long quietUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!a.result().isDone() && sentAt.size() <= retries + 1 && System.nanoTime() < quietUntil) {
      ClientBatch batch;
      try {
        batch = replica.expectMessageClass(ClientBatch.class, Duration.ofMillis(100));
      } catch (AssertionError e) {
        continue; // no resend yet: look again, or see the ask failed
      }
      quietUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      sentAt.add(System.nanoTime());
      assertEquals(6_000, batch.requests().get(0).clientId());
      gateway.tell(new ClientReplies(1, 0b1, List.of(ClientReply.refused(6_000, 1, ClientReply.Status.OVERLOADED))));
    }
    ExecutionException e = assertThrows(ExecutionException.class, () -> a.result().get(5, TimeUnit.SECONDS));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(e.getCause() instanceof ChoraOverloadedException, "a distinct overload error, not: " + e.getCause());
    ChoraOverloadedException overloaded = (ChoraOverloadedException) e.getCause();
    assertFalse(overloaded.mayHaveApplied(), "every attempt was refused: " + overloaded.getMessage());
    assertTrue(overloaded.getMessage().contains("overloaded")
        && overloaded.getMessage().contains("chora.protocol.max-queued-requests"), overloaded.getMessage());
    assertEquals(retries + 1, sentAt.size(), "the first attempt and " + retries + " resends");
    assertEquals(retries + 1, overloaded.refusals());
    assertTrue(tookMillis < 10_000, "failed after " + tookMillis + " ms, long before its 30 s deadline");
    // Pause k is drawn from [bound/2, bound], bound = min(max backoff, pause x 2^(k-1)): timers only
    // ever fire late, so each gap is at least half its bound, and the bounds grow to the maximum.
    List<Long> gaps = new ArrayList<>();
    for (int k = 1; k < sentAt.size(); k++) {
      gaps.add(TimeUnit.NANOSECONDS.toMillis(sentAt.get(k) - sentAt.get(k - 1)));
    }
    for (int k = 0; k < gaps.size(); k++) {
      long bound = Math.min(maxBackoffMillis, pauseMillis << k);
      assertTrue(gaps.get(k) >= bound / 2, "gap " + k + " of " + gaps + " is at least " + bound / 2 + " ms");
      assertTrue(gaps.get(k) <= maxBackoffMillis + 2_000, "gap " + k + " of " + gaps + " stays bounded");
    }
    assertTrue(gaps.get(gaps.size() - 1) >= maxBackoffMillis / 2 && gaps.get(gaps.size() - 1) > gaps.get(0),
        "the pauses grew: " + gaps);
    KIT.stop(gateway, Duration.ofSeconds(5));
  }

  /** A deadline that would pass before the next resend fails the ask with the overload error at once. */
  @Test
  void anOverloadedAskWhoseDeadlineComesFirstFailsWithTheOverloadException() throws Exception {
    TestProbe<Object> replica = KIT.createTestProbe();
    List<String> paths = List.of(ActorRefResolver.get(KIT.system()).toSerializationFormat(replica.getRef()));
    ActorRef<Object> gateway = KIT.spawn(ClientGateway.create(new ClientGateway.Settings(0, paths,
        Duration.ofSeconds(30), Duration.ofSeconds(20), 8, Duration.ofSeconds(40), Duration.ofMillis(1),
        64 * 1024, 100, () -> {})));
    // The first pause would be 10 to 20 s: past the deadline, 5 s away.
    ClientGateway.Ask a = new ClientGateway.Ask(new Request(6_100, 1, new byte[8]), false,
        System.nanoTime() + TimeUnit.SECONDS.toNanos(5), new CompletableFuture<>());
    gateway.tell(a);
    replica.expectMessageClass(ClientBatch.class);
    gateway.tell(new ClientReplies(1, 0b1, List.of(ClientReply.refused(6_100, 1, ClientReply.Status.OVERLOADED))));
    ExecutionException e = assertThrows(ExecutionException.class, () -> a.result().get(3, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof ChoraOverloadedException
        && e.getCause().getMessage().contains("deadline would pass"), "why: " + e.getCause());
    KIT.stop(gateway, Duration.ofSeconds(5));
  }

  /**
   * SESSION_EXPIRED is final: the ask fails at once with the session error, not resent. Not
   * applied when every attempt was answered; of unknown outcome when one went unanswered.
   */
  @Test
  void anAskOfAnExpiredSessionFailsAtOnceWithTheSessionException() throws Exception {
    TestProbe<Object> first = KIT.createTestProbe();
    TestProbe<Object> second = KIT.createTestProbe();
    ActorRefResolver resolver = ActorRefResolver.get(KIT.system());
    List<String> paths = List.of(resolver.toSerializationFormat(first.getRef()),
        resolver.toSerializationFormat(second.getRef()));
    ActorRef<Object> gateway = KIT.spawn(ClientGateway.create(new ClientGateway.Settings(0, paths,
        Duration.ofMillis(300), Duration.ofMillis(10), 3, Duration.ofMillis(40), Duration.ofMillis(1),
        64 * 1024, 100, () -> {})));

    ClientGateway.Ask refused = ask(6_200, 4);
    gateway.tell(refused);
    first.expectMessageClass(ClientBatch.class);
    gateway.tell(new ClientReplies(1, 0b11, List.of(ClientReply.refused(6_200, 4, ClientReply.Status.SESSION_EXPIRED))));
    ExecutionException e = assertThrows(ExecutionException.class, () -> refused.result().get(3, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof ChoraSessionExpiredException, "a distinct session error, not: " + e.getCause());
    ChoraSessionExpiredException expired = (ChoraSessionExpiredException) e.getCause();
    assertFalse(expired.mayHaveApplied(), expired.getMessage());
    assertTrue(expired.getMessage().contains("chora.protocol.max-clients")
        && expired.getMessage().contains("was not applied"), expired.getMessage());
    first.expectNoMessage(Duration.ofMillis(500));
    second.expectNoMessage(Duration.ofMillis(10));

    ClientGateway.Ask unknown = ask(6_201, 9);
    gateway.tell(unknown);
    first.expectMessageClass(ClientBatch.class); // unanswered: resent to the next replica after retry-after
    second.expectMessageClass(ClientBatch.class, Duration.ofSeconds(5));
    gateway.tell(new ClientReplies(1, 0b11, List.of(ClientReply.refused(6_201, 9, ClientReply.Status.SESSION_EXPIRED))));
    e = assertThrows(ExecutionException.class, () -> unknown.result().get(3, TimeUnit.SECONDS));
    expired = (ChoraSessionExpiredException) e.getCause();
    assertTrue(expired.mayHaveApplied() && expired.getMessage().contains("outcome is unknown"), expired.getMessage());
    KIT.stop(gateway, Duration.ofSeconds(5));
  }
}
