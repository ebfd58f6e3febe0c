package dev.chora.runtime.core;

import dev.chora.runtime.message.Batch;

/**
 * The slots of a window of consecutive rounds, {@code base .. base + capacity - 1}, in a ring:
 * rounds below the window have been executed and acknowledged by everyone and are gone; rounds
 * above it cannot be stored yet. Fixed memory, no allocation per round.
 */
final class RoundLog {
  private final int replicas;
  private final int capacity;
  private final int mask;
  private final Batch[][] slots;
  private final int[] held;
  private long base = 1;

  RoundLog(int replicas, int minCapacity) {
    this.replicas = replicas;
    this.capacity = Integer.highestOneBit(Math.max(2, minCapacity - 1)) << 1;
    this.mask = capacity - 1;
    this.slots = new Batch[capacity][replicas];
    this.held = new int[capacity];
  }

  long base() { return base; }

  int capacity() { return capacity; }

  /** One past the highest round that can be stored now. */
  long limit() { return base + capacity; }

  boolean inWindow(long round) {
    return round >= base && round < base + capacity;
  }

  /** The slot, or null if not held (or outside the window). */
  Batch get(long round, int proposer) {
    return inWindow(round) ? slots[(int) (round & mask)][proposer] : null;
  }

  boolean has(long round, int proposer) {
    return get(round, proposer) != null;
  }

  /** Slots held for {@code round}; rounds below the window count as complete. */
  int heldCount(long round) {
    if (round < base) {
      return replicas;
    }
    return inWindow(round) ? held[(int) (round & mask)] : 0;
  }

  /** Stores a slot if it is in the window and empty; returns whether it was stored. */
  boolean store(long round, int proposer, Batch batch) {
    if (!inWindow(round)) {
      return false;
    }
    Batch[] row = slots[(int) (round & mask)];
    if (row[proposer] != null) {
      return false;
    }
    row[proposer] = batch;
    held[(int) (round & mask)]++;
    return true;
  }

  /** Forgets every round up to and including {@code round}. */
  void truncateThrough(long round) {
    while (base <= round) {
      int i = (int) (base & mask);
      java.util.Arrays.fill(slots[i], null);
      held[i] = 0;
      base++;
    }
  }

  /** Slots held in the window, for the retained-log figure. */
  long heldSlots() {
    long total = 0;
    for (int h : held) {
      total += h;
    }
    return total;
  }
}
