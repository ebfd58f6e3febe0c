package dev.chora.runtime.message;

import java.util.Objects;

/**
 * A read answered by one replica without a log entry, after it has executed through the round it
 * was proposing when the read arrived (a round-barrier read, linearizable; DESIGN §8).
 */
public record ReadRequest(long clientId, long seq, byte[] query) {
  public ReadRequest {
    Objects.requireNonNull(query, "query");
  }
}
