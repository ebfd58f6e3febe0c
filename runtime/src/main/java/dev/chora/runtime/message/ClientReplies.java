package dev.chora.runtime.message;

import java.util.List;

/**
 * The replies a replica had ready for one client node, in one network message, with the view and
 * active set the replica was in: a client learns from any answer which replicas are serving, and
 * moves its waiting requests off a replica the group has excluded without waiting for a timeout.
 *
 * @param activeSet bit i set when replica i is in the active set of {@code view}
 */
public record ClientReplies(long view, int activeSet, List<ClientReply> replies) {
  public ClientReplies {
    replies = List.copyOf(replies);
  }
}
