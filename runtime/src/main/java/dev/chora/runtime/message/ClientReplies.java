package dev.chora.runtime.message;

import java.util.List;

/** The replies a replica had ready for one client node, in one network message. */
public record ClientReplies(List<ClientReply> replies) {
  public ClientReplies {
    replies = List.copyOf(replies);
  }
}
