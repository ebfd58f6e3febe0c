package dev.chora.runtime.exec;

import dev.chora.runtime.core.CoreMutation;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.ReadRequest;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.spi.StateMachine;
import java.util.List;
import java.util.function.Consumer;

/**
 * Applies committed slots, in the order the core hands them out, to the user's state machine,
 * exactly once per (clientId, seq), and answers the clients whose requests this replica proposed
 * (DESIGN §3.5): the other replicas apply silently. Under the {@code leader} proposer policy (a
 * baseline) the replica that admitted a request is not its proposer: there every executor answers
 * every request, and the reply routing passes an answer on only where its client waits (the
 * Pekko runtime's ReplyRoutes; the simulator models the same table), which is the replica the
 * client sent it to, once. A request opening a session opens it in the
 * client table; a request of a session the table does not know is refused as SESSION_EXPIRED,
 * the same way on every replica, and not applied (see {@link ClientTable}). Single-threaded, like the core; in the Pekko
 * runtime it is an actor of its own so a slow state machine does not hold up rounds.
 */
public final class Executor {
  private final int self;
  private final StateMachine stateMachine;
  private final ClientTable clients;
  private final Consumer<ClientReply> replies;
  private final ExecutionListener listener;
  private final boolean deduplicate;
  /** Answers every request, not only this replica's own slots' (the leader policy: see the class comment). */
  private final boolean answerEveryRequest;
  private long appliedRequests;
  private long duplicatesSkipped;
  private long sessionsOpened;
  private long sessionsExpired;

  public Executor(int self, StateMachine stateMachine, int maxClients, Consumer<ClientReply> replies,
      ExecutionListener listener) {
    this(self, stateMachine, maxClients, replies, listener, CoreMutation.NONE);
  }

  /** With a deliberate bug, for the simulator's mutation tests only. */
  public Executor(int self, StateMachine stateMachine, int maxClients, Consumer<ClientReply> replies,
      ExecutionListener listener, CoreMutation mutation) {
    this(self, stateMachine, maxClients, replies, listener, mutation, false);
  }

  /**
   * @param answerEveryRequest true under the {@code leader} proposer policy
   *                           ({@code ProposerPolicy.LEADER}): answer every executed request, for
   *                           {@code replies} to pass on only where the client waits
   */
  public Executor(int self, StateMachine stateMachine, int maxClients, Consumer<ClientReply> replies,
      ExecutionListener listener, CoreMutation mutation, boolean answerEveryRequest) {
    this.answerEveryRequest = answerEveryRequest;
    this.self = self;
    this.stateMachine = stateMachine;
    this.clients = new ClientTable(maxClients);
    this.replies = replies;
    this.listener = listener;
    this.deduplicate = mutation != CoreMutation.NO_CLIENT_TABLE;
  }

  /** Applies one committed slot. */
  public void execute(long round, int proposer, Batch batch) {
    boolean answers = answerEveryRequest || proposer == self;
    List<Request> requests = batch.requests();
    for (int i = 0; i < requests.size(); i++) {
      Request request = requests.get(i);
      if (request.opensSession()) {
        long session = clients.open();
        sessionsOpened++;
        if (answers) {
          replies.accept(ClientReply.sessionOpened(request.clientId(), session));
        }
        continue;
      }
      ClientTable.Verdict verdict = deduplicate
          ? clients.classify(request.clientId(), request.seq())
          : ClientTable.Verdict.NEW;
      switch (verdict) {
        case NEW -> {
          byte[] result = stateMachine.apply(request.command());
          clients.record(request.clientId(), request.seq(), result);
          appliedRequests++;
          listener.applied(round, proposer, i, request, result);
          if (answers) {
            replies.accept(ClientReply.ok(request.clientId(), request.seq(), result));
          }
        }
        case RETRY_OF_LAST -> {
          duplicatesSkipped++;
          listener.skippedDuplicate(round, proposer, i, request);
          if (answers) {
            // The client retried here, so it is still waiting: answer from the table.
            replies.accept(ClientReply.ok(request.clientId(), request.seq(), clients.storedReply(request.clientId())));
          }
        }
        case STALE -> {
          duplicatesSkipped++;
          listener.skippedDuplicate(round, proposer, i, request);
        }
        case UNKNOWN_SESSION -> {
          sessionsExpired++;
          listener.sessionExpired(round, proposer, i, request);
          if (answers) {
            replies.accept(ClientReply.refused(request.clientId(), request.seq(), ClientReply.Status.SESSION_EXPIRED));
          }
        }
      }
    }
  }

  /** Answers a read whose barrier has been executed. */
  public void serveRead(ReadRequest read) {
    replies.accept(ClientReply.ok(read.clientId(), read.seq(), stateMachine.query(read.query())));
  }

  /**
   * The replicated state after the last executed slot: the client table (which is replicated
   * state, so that exactly-once survives a state transfer) and the state machine's snapshot.
   */
  public byte[] snapshot() {
    try {
      // Taken first so the buffer can start at about the final size: under load snapshots come
      // several a second, and doubling a buffer up to a megabyte copies it twice over.
      byte[] state = stateMachine.snapshot();
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(
          clients.estimatedBytes() + state.length + 4);
      java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
      clients.writeTo(out);
      out.writeInt(state.length);
      out.write(state);
      out.flush();
      return bytes.toByteArray();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("writing to memory cannot fail", e);
    }
  }

  /**
   * The digest divergence detection compares (see {@code ReplicaCore.snapshotTaken}): the first 8
   * bytes, big-endian, of the SHA-256 of a {@link #snapshot()}, so it reads as the first 16 hex
   * digits of the SHA-256 that {@code chora digest} prints for the same round. It costs one pass
   * over the snapshot, a fraction of writing it (docs/performance.md).
   */
  public static long digest(byte[] snapshot) {
    try {
      return java.nio.ByteBuffer.wrap(java.security.MessageDigest.getInstance("SHA-256").digest(snapshot)).getLong();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** Replaces the whole state with one written by {@link #snapshot()}. */
  public void restore(byte[] snapshot) {
    try {
      java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(snapshot));
      clients.readFrom(in);
      byte[] state = new byte[in.readInt()];
      in.readFully(state);
      stateMachine.restore(state);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not a snapshot written by Executor.snapshot(): " + e.getMessage(), e);
    }
  }

  public long appliedRequests() { return appliedRequests; }
  public long duplicatesSkipped() { return duplicatesSkipped; }
  public long sessionsOpened() { return sessionsOpened; }

  /** Requests refused because the client table did not know their session. */
  public long sessionsExpired() { return sessionsExpired; }
}
