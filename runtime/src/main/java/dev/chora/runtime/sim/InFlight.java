package dev.chora.runtime.sim;

import dev.chora.runtime.message.PeerMessage;

/** A message between two replica cores, on its way from {@code from} to {@code to}. */
public record InFlight(int from, int to, PeerMessage message) {}
