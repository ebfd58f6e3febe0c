package dev.chora.runtime.message;

/** The highest view the sender has started or joined, for the recovering replica's fence. */
public record RecoveryResponse(long view, int from, long nonce) implements PeerMessage {}
