package dev.chora.runtime.message;

import java.util.List;
import java.util.Objects;

/**
 * Client traffic to one replica, batched: every request and read a client node had ready for that
 * replica when it last sent, in one network message. Replies come back batched as
 * {@link ClientReplies} to {@code replyTo}.
 *
 * @param replyTo the serialized actor path of the sender's gateway (the runtime resolves it; the
 *                protocol core never sees it)
 */
public record ClientBatch(String replyTo, List<Request> requests, List<ReadRequest> reads) {
  public ClientBatch {
    Objects.requireNonNull(replyTo, "replyTo");
    requests = List.copyOf(requests);
    reads = List.copyOf(reads);
  }
}
