package dev.chora.runtime.message;

import java.util.Arrays;
import java.util.Objects;

/**
 * A client command to be ordered and applied on every replica. (clientId, seq) identifies it for
 * exactly-once execution: a client keeps at most one request outstanding and retries it with the
 * same seq.
 */
public final class Request {
  /** Bytes the identifiers take beside the command, for batch-size accounting. */
  public static final int HEADER_BYTES = 16;

  private final long clientId;
  private final long seq;
  private final byte[] command;

  public Request(long clientId, long seq, byte[] command) {
    this.clientId = clientId;
    this.seq = seq;
    this.command = Objects.requireNonNull(command, "command");
  }

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
