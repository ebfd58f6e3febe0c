package dev.chora.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.CounterMachine;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.ReadRequest;
import dev.chora.runtime.message.Request;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once execution through the client table, sessions, and who answers the client
 * (DESIGN §3.5).
 */
class ExecutorTest {

  final CounterMachine counter = new CounterMachine();
  final List<ClientReply> replies = new ArrayList<>();
  final Executor executor = new Executor(0, counter, 100, replies::add, ExecutionListener.NONE);
  long round;

  static Batch batch(Request... r) {
    return Batch.of(List.of(r));
  }

  static long value(ClientReply r) {
    return ByteBuffer.wrap(r.result()).getLong();
  }

  /** Opens a session through a slot this replica proposed, and returns its id. */
  static long open(Executor executor, List<ClientReply> replies, long round) {
    executor.execute(round, 0, batch(Request.openSession(-7)));
    ClientReply answer = replies.remove(replies.size() - 1);
    assertEquals(-7, answer.clientId(), "the opening is answered at its reply address");
    return answer.openedSessionId();
  }

  long open() {
    return open(executor, replies, ++round);
  }

  @Test
  void appliesInOrderAndAnswersOnlyRequestsItProposed() {
    long a = open();
    long b = open();
    executor.execute(++round, 0, batch(new Request(a, 1, new byte[] {5})));
    executor.execute(round, 1, batch(new Request(b, 1, new byte[] {7})));
    assertEquals(12, counter.total);
    assertEquals(1, replies.size(), "replica 1 answers its own client");
    assertEquals(a, replies.get(0).clientId());
    assertEquals(5, value(replies.get(0)));
  }

  @Test
  void aRetriedRequestExecutesOnceAndItsStoredReplyIsSentAgain() {
    long a = open();
    executor.execute(++round, 1, batch(new Request(a, 1, new byte[] {5})));
    // The client timed out and retried here; the retry was proposed and committed too.
    executor.execute(++round, 0, batch(new Request(a, 1, new byte[] {5})));
    assertEquals(1, counter.applied);
    assertEquals(5, counter.total);
    assertEquals(1, replies.size());
    assertEquals(ClientReply.Status.OK, replies.get(0).status());
    assertEquals(5, value(replies.get(0)), "the stored reply of the first execution");
    assertEquals(1, executor.duplicatesSkipped());
  }

  @Test
  void anOlderRequestOfAClientThatMovedOnIsIgnored() {
    long a = open();
    executor.execute(++round, 0, batch(new Request(a, 2, new byte[] {5})));
    replies.clear();
    executor.execute(++round, 0, batch(new Request(a, 1, new byte[] {9})));
    assertEquals(5, counter.total);
    assertTrue(replies.isEmpty());
  }

  @Test
  void readsAreAnsweredFromTheStateMachineWithoutASession() {
    long a = open();
    executor.execute(++round, 1, batch(new Request(a, 1, new byte[] {3})));
    executor.serveRead(new ReadRequest(-9, 4, new byte[0]));
    assertEquals(-9, replies.get(0).clientId());
    assertEquals(3, value(replies.get(0)));
  }

  @Test
  void everyOpeningGetsASessionOfItsOwn() {
    long a = open();
    long b = open(); // a late duplicate of the same opening, say: a session nobody will use
    assertNotEquals(a, b);
    assertTrue(a > 0 && b > 0, "session ids are positive, apart from the clients' negative reply addresses");
    assertEquals(0, counter.applied, "an opening applies nothing");
  }

  @Test
  void aRequestOfAnUnknownSessionIsRefusedAndNotApplied() {
    executor.execute(1, 0, batch(new Request(42, 1, new byte[] {5})));
    executor.execute(1, 1, batch(new Request(43, 1, new byte[] {5})));
    assertEquals(0, counter.applied);
    assertEquals(List.of(ClientReply.refused(42, 1, ClientReply.Status.SESSION_EXPIRED)).toString(),
        replies.toString(), "only the proposer answers, as for any request");
    assertEquals(2, executor.sessionsExpired());
  }

  /** The executor's half of the flood: without sessions a forgotten client's retry applied again. */
  @Test
  void aForgottenSessionsLateRetryIsRefusedNotAppliedAgain() {
    Executor small = new Executor(0, counter, 2, replies::add, ExecutionListener.NONE);
    long a = open(small, replies, 1);
    small.execute(2, 0, batch(new Request(a, 1, new byte[] {5})));
    long b = open(small, replies, 3);
    long c = open(small, replies, 4); // the table holds two sessions: a is forgotten
    small.execute(5, 1, batch(new Request(b, 1, new byte[] {1})));
    small.execute(5, 2, batch(new Request(c, 1, new byte[] {1})));
    replies.clear();
    // The first attempt's reply was lost; the retry, committed later, must not apply again.
    small.execute(6, 0, batch(new Request(a, 1, new byte[] {5})));
    assertEquals(3, counter.applied);
    assertEquals(7, counter.total);
    assertEquals(List.of(ClientReply.refused(a, 1, ClientReply.Status.SESSION_EXPIRED)).toString(),
        replies.toString());
    replies.clear();
    small.execute(7, 0, batch(new Request(a, 2, new byte[] {5})));
    assertEquals(ClientReply.Status.SESSION_EXPIRED, replies.get(0).status(), "nor any later request of it");
  }

  @Test
  void aSnapshotKeepsTheSessionsAndTheIdsHandedOut() {
    long a = open();
    executor.execute(++round, 0, batch(new Request(a, 1, new byte[] {5})));
    List<ClientReply> otherReplies = new ArrayList<>();
    Executor restored = new Executor(0, new CounterMachine(), 100, otherReplies::add, ExecutionListener.NONE);
    restored.restore(executor.snapshot());
    restored.execute(10, 0, batch(new Request(a, 1, new byte[] {5})));
    assertEquals(5, value(otherReplies.remove(0)), "the retry is answered from the restored table");
    long next = open(restored, otherReplies, 11);
    assertEquals(open(), next, "the restored replica hands out the id the others do");
    assertNotEquals(a, next);
  }

  @Test
  void clientTableForgetsTheLeastRecentlyExecutedClientWhenFull() {
    ClientTable table = new ClientTable(2);
    table.record(1, 1, new byte[] {1});
    table.record(2, 1, new byte[] {2});
    table.record(1, 2, new byte[] {3});
    table.record(3, 1, new byte[] {4});
    assertEquals(2, table.size());
    assertEquals(ClientTable.Verdict.UNKNOWN_SESSION, table.classify(2, 1), "client 2 was forgotten");
    assertEquals(ClientTable.Verdict.RETRY_OF_LAST, table.classify(1, 2));
    assertArrayEquals(new byte[] {3}, table.storedReply(1));
  }
}
