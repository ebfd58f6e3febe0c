package dev.chora.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** Exactly-once execution through the client table, and who answers the client (DESIGN §3.5). */
class ExecutorTest {

  final CounterMachine counter = new CounterMachine();
  final List<ClientReply> replies = new ArrayList<>();
  final Executor executor = new Executor(0, counter, 100, replies::add, ExecutionListener.NONE);

  static Batch batch(Request... r) {
    return Batch.of(List.of(r));
  }

  static long value(ClientReply r) {
    return ByteBuffer.wrap(r.result()).getLong();
  }

  @Test
  void appliesInOrderAndAnswersOnlyRequestsItProposed() {
    executor.execute(1, 0, batch(new Request(1, 1, new byte[] {5})));
    executor.execute(1, 1, batch(new Request(2, 1, new byte[] {7})));
    assertEquals(12, counter.total);
    assertEquals(1, replies.size(), "replica 1 answers its own client");
    assertEquals(1, replies.get(0).clientId());
    assertEquals(5, value(replies.get(0)));
  }

  @Test
  void aRetriedRequestExecutesOnceAndItsStoredReplyIsSentAgain() {
    executor.execute(1, 1, batch(new Request(1, 1, new byte[] {5})));
    // The client timed out and retried here; the retry was proposed and committed too.
    executor.execute(2, 0, batch(new Request(1, 1, new byte[] {5})));
    assertEquals(1, counter.applied);
    assertEquals(5, counter.total);
    assertEquals(1, replies.size());
    assertEquals(ClientReply.Status.OK, replies.get(0).status());
    assertEquals(5, value(replies.get(0)), "the stored reply of the first execution");
    assertEquals(1, executor.duplicatesSkipped());
  }

  @Test
  void anOlderRequestOfAClientThatMovedOnIsIgnored() {
    executor.execute(1, 0, batch(new Request(1, 2, new byte[] {5})));
    replies.clear();
    executor.execute(2, 0, batch(new Request(1, 1, new byte[] {9})));
    assertEquals(5, counter.total);
    assertTrue(replies.isEmpty());
  }

  @Test
  void readsAreAnsweredFromTheStateMachine() {
    executor.execute(1, 1, batch(new Request(1, 1, new byte[] {3})));
    executor.serveRead(new ReadRequest(9, 4, new byte[0]));
    assertEquals(9, replies.get(0).clientId());
    assertEquals(3, value(replies.get(0)));
  }

  @Test
  void clientTableForgetsTheLeastRecentlyExecutedClientWhenFull() {
    ClientTable table = new ClientTable(2);
    table.record(1, 1, new byte[] {1});
    table.record(2, 1, new byte[] {2});
    table.record(1, 2, new byte[] {3});
    table.record(3, 1, new byte[] {4});
    assertEquals(2, table.size());
    assertEquals(ClientTable.Verdict.NEW, table.classify(2, 1), "client 2 was forgotten");
    assertEquals(ClientTable.Verdict.RETRY_OF_LAST, table.classify(1, 2));
    assertArrayEquals(new byte[] {3}, table.storedReply(1));
  }
}
