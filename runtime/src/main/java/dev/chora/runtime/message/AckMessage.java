package dev.chora.runtime.message;

/**
 * The sender's acknowledgements and current round, sent when it has not sent a round message for a
 * round-timeout (it is held back by flow control): without it, acks gained while no new round can
 * start would never reach the peers, and the group could stall on a lost message.
 */
public record AckMessage(long view, long currentRound, int from, long[] ackVector)
    implements PeerMessage {}
