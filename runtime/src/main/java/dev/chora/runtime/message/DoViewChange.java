package dev.chora.runtime.message;

import java.util.List;

/**
 * Sent to the coordinator of {@code view} (DESIGN §6 step 2): the sender's last normal view, how
 * far it has executed, and every round it holds above that, each with the view tag of its content.
 */
public record DoViewChange(long view, int from, long lastNormalView, long executedRound, List<RoundSlots> rounds)
    implements PeerMessage {}
