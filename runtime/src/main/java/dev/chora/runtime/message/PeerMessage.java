package dev.chora.runtime.message;

/**
 * A message between replicas. Every one carries the sender's view and id; the receiving core
 * validates both before anything else.
 */
public sealed interface PeerMessage permits RoundMessage, AckMessage, SlotRequest, SlotTransfer,
    StartViewChange, DoViewChange, StartView, ViewRequest, StateRequest, StateTransfer, Recovery,
    RecoveryResponse, ForwardedRequest, ForwardRefused {
  long view();

  int from();

  /**
   * Bytes of requests, rounds or state the message carries, as the protocol counts them against
   * max-batch-bytes and max-transfer-bytes. The protocol keeps it at most max-transfer-bytes for
   * every message (the simulator checks it), which is what keeps every message within one frame.
   */
  default long payloadBytes() {
    return 0;
  }

  /** The sum of {@link RoundSlots#sizeBytes} over {@code rounds}. */
  static long roundsBytes(java.util.List<RoundSlots> rounds) {
    long bytes = 0;
    if (rounds != null) {
      for (RoundSlots rs : rounds) {
        bytes += rs.sizeBytes();
      }
    }
    return bytes;
  }
}
