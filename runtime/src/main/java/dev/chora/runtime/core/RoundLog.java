package dev.chora.runtime.core;

import static dev.chora.runtime.core.Sentinels.FIRST_ROUND;
import static dev.chora.runtime.core.Sentinels.NO_VIEW;

import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.RoundSlots;
import java.util.function.ToLongFunction;

/**
 * The slots of a window of consecutive rounds, {@code base .. base + capacity - 1}, in a ring. Each
 * round also records its proposer set (the active set of the view that ran it), so a round is
 * complete when every proposer's slot is held. Rounds below the window have been executed and are
 * covered by a snapshot; rounds above it cannot be stored yet. The ring's own memory is fixed;
 * the batches it holds are counted ({@link #heldBytes()}) so that the core can bound them too.
 *
 * <p>Invariants: {@link #base} only grows; {@link #store} never replaces a held slot (within a
 * view a slot has one value), only {@link #install} replaces a whole round; {@link #heldBytes} is
 * the bytes of the held slots, never negative (asserted where slots are forgotten).
 *
 * <p>In durable mode every change that a restart must replay — a slot stored, a round installed,
 * a suffix cleared — goes to the journal as a {@link LogEntry}, and each held slot remembers the
 * number of the entry that made it durable ({@link #seq}). Truncation is not journaled: storage
 * drops the log below a snapshot it has saved.
 */
final class RoundLog {
  private final int replicas;
  private final int capacity;
  private final int mask;
  private final Batch[][] slots;
  private final int[] held;
  private final int[] proposers;
  private final long[] tags;
  private final boolean[] verified;
  /** The journal entry that holds each slot: it is durable once storage has persisted that number. */
  private final long[][] seqs;
  private final ToLongFunction<LogEntry> journal;
  private long base = FIRST_ROUND;
  /** The requests' bytes of every slot held in the window. */
  private long heldBytes;

  RoundLog(int replicas, int minCapacity) {
    this(replicas, minCapacity, entry -> 0);
  }

  RoundLog(int replicas, int minCapacity, ToLongFunction<LogEntry> journal) {
    this.journal = journal;
    this.replicas = replicas;
    this.capacity = Integer.highestOneBit(Math.max(2, minCapacity - 1)) << 1;
    this.mask = capacity - 1;
    this.slots = new Batch[capacity][replicas];
    this.held = new int[capacity];
    this.proposers = new int[capacity];
    this.tags = new long[capacity];
    this.verified = new boolean[capacity];
    this.seqs = new long[capacity][replicas];
  }

  long base() { return base; }

  /** The requests' bytes of every slot held in the window (what {@code max-log-bytes} bounds). */
  long heldBytes() { return heldBytes; }

  int capacity() { return capacity; }

  /** One past the highest round that can be stored now. */
  long limit() { return base + capacity; }

  boolean inWindow(long round) {
    return round >= base && round < base + capacity;
  }

  private int index(long round) {
    return (int) (round & mask);
  }

  /** The slot, or null if not held (or outside the window). */
  Batch get(long round, int proposer) {
    return inWindow(round) ? slots[index(round)][proposer] : null;
  }

  boolean has(long round, int proposer) {
    return get(round, proposer) != null;
  }

  /** The number of the journal entry that stored a held slot (0 in memory mode or after a restart). */
  long seq(long round, int proposer) {
    return seqs[index(round)][proposer];
  }

  /** Bit mask of the proposers whose slots are held for {@code round}. */
  int heldMask(long round) {
    return inWindow(round) ? held[index(round)] : 0;
  }

  /** The round's proposer set, or 0 if not yet known here. */
  int proposers(long round) {
    return inWindow(round) ? proposers[index(round)] : 0;
  }

  /** The view tag of the round's content (see {@link RoundSlots#tag()}), or NO_VIEW outside the window. */
  long tag(long round) {
    return inWindow(round) ? tags[index(round)] : NO_VIEW;
  }

  /**
   * Whether the round's content is known to be the one that counts: proposed or decided in this
   * replica's current view, or received as executed. Content kept from an earlier view is not,
   * until a view change or a state transfer confirms it.
   */
  boolean verified(long round) {
    return inWindow(round) && verified[index(round)];
  }

  /** After a view change: rounds up to {@code round} keep their content but must be confirmed. */
  void unverifyThrough(long round) {
    for (long r = base; r <= round && r < base + capacity; r++) {
      verified[index(r)] = false;
    }
  }

  /** Every proposer's slot of a round in the window is held. */
  boolean complete(long round) {
    if (!inWindow(round)) {
      return false;
    }
    int i = index(round);
    return proposers[i] != 0 && (held[i] & proposers[i]) == proposers[i];
  }

  /**
   * Stores a slot if it is in the window and empty; records the round's proposer set the first
   * time. Returns whether it was stored.
   */
  boolean store(long round, int proposer, int roundProposers, long tag, Batch batch) {
    if (!inWindow(round)) {
      return false;
    }
    int i = index(round);
    if (slots[i][proposer] != null) {
      return false;
    }
    if (proposers[i] == 0) {
      proposers[i] = roundProposers;
      tags[i] = tag;
      verified[i] = true;
    }
    slots[i][proposer] = batch;
    held[i] |= 1 << proposer;
    heldBytes += batch.sizeBytes();
    seqs[i][proposer] = journal.applyAsLong(new LogEntry.Slot(round, proposer, proposers[i], tags[i], batch));
    return true;
  }

  /** Replaces a whole round with decided or committed content; false if outside the window. */
  boolean install(RoundSlots round, long tag) {
    if (!inWindow(round.round())) {
      return false;
    }
    long seq = journal.applyAsLong(new LogEntry.Round(new RoundSlots(round.round(), round.proposers(), tag,
        round.slots().clone())));
    put(round, tag, seq);
    verified[index(round.round())] = true;
    return true;
  }

  /**
   * A round read back from disk at a restart: held with its tag, not verified (a view change or a
   * state transfer confirms it), already durable, and not journaled again.
   */
  void restore(RoundSlots round) {
    assert inWindow(round.round()) : "restored round " + round.round() + " outside the window";
    put(round, round.tag(), 0);
  }

  private void put(RoundSlots round, long tag, long seq) {
    int i = index(round.round());
    forgetSlots(i);
    proposers[i] = round.proposers();
    tags[i] = tag;
    verified[i] = false;
    for (int j = 0; j < replicas; j++) {
      if ((round.proposers() & (1 << j)) != 0 && round.slots()[j] != null) {
        slots[i][j] = round.slots()[j];
        held[i] |= 1 << j;
        heldBytes += slots[i][j].sizeBytes();
        seqs[i][j] = seq;
      }
    }
  }

  /** A copy of what is held of a round, or null if nothing is. */
  RoundSlots copy(long round) {
    if (!inWindow(round) || held[index(round)] == 0 && proposers[index(round)] == 0) {
      return null;
    }
    int i = index(round);
    return new RoundSlots(round, proposers[i], tags[i], slots[i].clone());
  }

  private void clear(int i) {
    forgetSlots(i);
    proposers[i] = 0;
    tags[i] = 0;
    verified[i] = false;
  }

  private void forgetSlots(int i) {
    Batch[] round = slots[i];
    for (int j = 0; j < replicas; j++) {
      if (round[j] != null) {
        heldBytes -= round[j].sizeBytes();
        round[j] = null;
      }
    }
    assert heldBytes >= 0 : "held bytes below zero: " + heldBytes;
    held[i] = 0;
  }

  /** Forgets every round above {@code round} (an uncommitted suffix replaced by a view change). */
  void clearAbove(long round) {
    journal.applyAsLong(new LogEntry.ClearAbove(round));
    for (long r = Math.max(base, round + 1); r < base + capacity; r++) {
      clear(index(r));
    }
  }

  /** Forgets every round up to and including {@code round}. */
  void truncateThrough(long round) {
    long end = Math.min(round, base + capacity - 1);
    while (base <= end) {
      clear(index(base));
      base++;
    }
    if (base <= round) {
      base = round + 1;
    }
  }

  /** Slots held in the window, for the retained-log figure. */
  long heldSlots() {
    long total = 0;
    for (int h : held) {
      total += Integer.bitCount(h);
    }
    return total;
  }
}
