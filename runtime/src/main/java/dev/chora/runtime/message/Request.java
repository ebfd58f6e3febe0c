package dev.chora.runtime.message;

import java.util.Arrays;
import java.util.Objects;

/**
 * A client command to be ordered and applied on every replica. (clientId, seq) identifies it for
 * exactly-once execution: a client keeps at most one request outstanding and retries it with the
 * same seq.
 *
 * <p>The client id is a session's, which the replicas assign: a request with seq
 * {@link #OPEN_SESSION_SEQ} opens a session ({@link #openSession}), and its answer carries the new
 * session's id ({@link ClientReply#openedSessionId()}). A request of a session the client table
 * does not know, never opened or forgotten, is refused as
 * {@link ClientReply.Status#SESSION_EXPIRED} and never executed: that is what keeps a forgotten
 * session's late retry from executing a second time.
 */
public final class Request {
  /** Bytes the identifiers take beside the command, for batch-size accounting. */
  public static final int HEADER_BYTES = 16;
  /** The seq of a request that opens a session; a session's own requests use seqs above it. */
  public static final long OPEN_SESSION_SEQ = 0;
  private static final byte[] NO_COMMAND = new byte[0];

  private final long clientId;
  private final long seq;
  private final byte[] command;

  public Request(long clientId, long seq, byte[] command) {
    this.clientId = clientId;
    this.seq = seq;
    this.command = Objects.requireNonNull(command, "command");
  }

  /**
   * A request that opens a session. Its {@code replyTo} is only the address of the answer (the
   * session's id is assigned by the replicas): give it a value no session id takes, a negative
   * one. Opening again after an unanswered attempt is harmless, since each opening that executes
   * gets a session of its own and an unused session is forgotten like any other.
   */
  public static Request openSession(long replyTo) {
    return new Request(replyTo, OPEN_SESSION_SEQ, NO_COMMAND);
  }

  /** Whether this request opens a session rather than carries a command. */
  public boolean opensSession() { return seq == OPEN_SESSION_SEQ; }

  public long clientId() { return clientId; }
  public long seq() { return seq; }

  /** The command bytes; shared, never to be modified. */
  public byte[] command() { return command; }

  public int sizeBytes() { return HEADER_BYTES + command.length; }

  @Override
  public boolean equals(Object o) {
    return o instanceof Request r && r.clientId == clientId && r.seq == seq
        && Arrays.equals(r.command, command);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(clientId) * 31 + Long.hashCode(seq);
  }

  @Override
  public String toString() {
    return "Request{" + clientId + "#" + seq + ", " + command.length + "B}";
  }
}
