package dev.chora.runtime.message;

/**
 * A client request that replica {@code from} admitted from its client and hands to the single
 * leader of {@code view} to propose (the {@code leader} proposer policy, a baseline: see
 * {@code ProposerPolicy}). The replica that admitted it answers its client once it executes the
 * request; the leader answers nobody for it. A forward that is lost, or reaches a replica that is
 * no longer the leader, is dropped: the client's retry at the forwarding replica forwards it again.
 */
public record ForwardedRequest(long view, int from, Request request) implements PeerMessage {
  @Override
  public long payloadBytes() {
    return request == null ? 0 : request.sizeBytes();
  }
}
