package dev.chora.runtime.message;

/**
 * A message between replicas. Every one carries the sender's view and id; the receiving core
 * validates both before anything else.
 */
public sealed interface PeerMessage permits RoundMessage, AckMessage, SlotRequest, SlotTransfer,
    StartViewChange, DoViewChange, StartView, ViewRequest, StateRequest, StateTransfer, Recovery,
    RecoveryResponse {
  long view();

  int from();
}
