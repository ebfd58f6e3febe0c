package dev.chora.runtime.message;

/**
 * The leader of {@code view} could not take request {@code seq} of {@code clientId} that the
 * receiver forwarded: its queue is full ({@link ClientReply.Status#OVERLOADED}). The
 * forwarding replica passes the refusal on to its client, which backs off and retries, exactly
 * as when the forwarding replica's own queue is full.
 */
public record ForwardRefused(long view, int from, long clientId, long seq, ClientReply.Status status)
    implements PeerMessage {}
