package dev.chora.runtime.core;

import dev.chora.runtime.message.AckMessage;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.DoViewChange;
import dev.chora.runtime.message.RoundMessage;
import dev.chora.runtime.message.RoundSlots;
import dev.chora.runtime.message.SlotRequest;
import dev.chora.runtime.message.SlotTransfer;
import dev.chora.runtime.message.StartView;
import dev.chora.runtime.message.StartViewChange;
import java.util.List;

/**
 * Peer messages for tests, each field named where it is set: {@code round(2).from(1).acks(1, 2, 1).build()}
 * rather than a row of bare numbers. Unless set, the view is 0, a batch is empty and an executed
 * round is 0; anything else left unset is null or 0, as a malformed message may need.
 */
final class Messages {
  private Messages() {}

  /** A proposal for {@code round}. */
  static RoundBuilder round(long round) {
    return new RoundBuilder(round);
  }

  /** A heartbeat of a sender whose current round is {@code currentRound}. */
  static AckBuilder ack(long currentRound) {
    return new AckBuilder(currentRound);
  }

  static StartViewBuilder startView(long view) {
    return new StartViewBuilder(view);
  }

  /** A StartViewChange whose sender is bound to {@code view} itself unless {@code boundView} says otherwise. */
  static StartViewChangeBuilder startViewChange(long view) {
    return new StartViewChangeBuilder(view);
  }

  static DoViewChangeBuilder doViewChange(long view) {
    return new DoViewChangeBuilder(view);
  }

  /** A request for {@code proposer}'s slots of rounds {@code fromRound} to {@code toRound}. */
  static SlotRequestBuilder slotRequest(int proposer, long fromRound, long toRound) {
    return new SlotRequestBuilder(proposer, fromRound, toRound);
  }

  /** {@code proposer}'s slots from {@code firstRound} on. */
  static SlotTransferBuilder slotTransfer(int proposer, long firstRound) {
    return new SlotTransferBuilder(proposer, firstRound);
  }

  /** The sender and view every message has. */
  abstract static class Header<B extends Header<B>> {
    long view;
    int from;

    @SuppressWarnings("unchecked")
    B inView(long view) {
      this.view = view;
      return (B) this;
    }

    @SuppressWarnings("unchecked")
    B from(int from) {
      this.from = from;
      return (B) this;
    }
  }

  static final class RoundBuilder extends Header<RoundBuilder> {
    private final long round;
    private Batch batch = Batch.EMPTY;
    private long[] acks;
    private long executedRound;
    private long checkRound = -1;
    private long checkDigest;

    private RoundBuilder(long round) {
      this.round = round;
    }

    RoundBuilder batch(Batch batch) {
      this.batch = batch;
      return this;
    }

    /** The sender's ack vector: for each proposer, the highest round through which it holds its slots. */
    RoundBuilder acks(long... acks) {
      this.acks = acks;
      return this;
    }

    RoundBuilder executed(long executedRound) {
      this.executedRound = executedRound;
      return this;
    }

    /** The sender's latest divergence checkpoint: its state digest after {@code round}. */
    RoundBuilder checkpoint(long round, long digest) {
      this.checkRound = round;
      this.checkDigest = digest;
      return this;
    }

    RoundMessage build() {
      return new RoundMessage(view, round, from, batch, acks, executedRound, checkRound, checkDigest);
    }
  }

  static final class AckBuilder extends Header<AckBuilder> {
    private final long currentRound;
    private long[] acks;
    private long executedRound;
    private long checkRound = -1;
    private long checkDigest;

    private AckBuilder(long currentRound) {
      this.currentRound = currentRound;
    }

    AckBuilder acks(long... acks) {
      this.acks = acks;
      return this;
    }

    AckBuilder executed(long executedRound) {
      this.executedRound = executedRound;
      return this;
    }

    AckBuilder checkpoint(long round, long digest) {
      this.checkRound = round;
      this.checkDigest = digest;
      return this;
    }

    AckMessage build() {
      return new AckMessage(view, currentRound, from, acks, executedRound, checkRound, checkDigest);
    }
  }

  static final class StartViewBuilder extends Header<StartViewBuilder> {
    private int activeSet;
    private long firstRound;
    private long executedThrough;
    private int executedAt;
    private List<RoundSlots> decided = List.of();

    private StartViewBuilder(long view) {
      inView(view);
    }

    StartViewBuilder activeSet(int activeSet) {
      this.activeSet = activeSet;
      return this;
    }

    StartViewBuilder firstRound(long firstRound) {
      this.firstRound = firstRound;
      return this;
    }

    /** The highest round executed by {@code replica}, a sender of the DoViewChange messages used. */
    StartViewBuilder executedThrough(long round, int replica) {
      this.executedThrough = round;
      this.executedAt = replica;
      return this;
    }

    StartViewBuilder decided(List<RoundSlots> decided) {
      this.decided = decided;
      return this;
    }

    StartView build() {
      return new StartView(view, from, activeSet, firstRound, executedThrough, executedAt, decided);
    }
  }

  static final class StartViewChangeBuilder extends Header<StartViewChangeBuilder> {
    private long boundView;

    private StartViewChangeBuilder(long view) {
      inView(view);
      this.boundView = view;
    }

    /** The highest view the sender is bound to: its last normal view, or a later one it sent a DoViewChange for. */
    StartViewChangeBuilder boundView(long boundView) {
      this.boundView = boundView;
      return this;
    }

    StartViewChange build() {
      return new StartViewChange(view, from, boundView);
    }
  }

  static final class DoViewChangeBuilder extends Header<DoViewChangeBuilder> {
    private long lastNormalView;
    private long executedRound;
    private List<RoundSlots> rounds = List.of();

    private DoViewChangeBuilder(long view) {
      inView(view);
    }

    DoViewChangeBuilder lastNormalView(long lastNormalView) {
      this.lastNormalView = lastNormalView;
      return this;
    }

    DoViewChangeBuilder executed(long executedRound) {
      this.executedRound = executedRound;
      return this;
    }

    DoViewChangeBuilder rounds(List<RoundSlots> rounds) {
      this.rounds = rounds;
      return this;
    }

    DoViewChange build() {
      return new DoViewChange(view, from, lastNormalView, executedRound, rounds);
    }
  }

  static final class SlotRequestBuilder extends Header<SlotRequestBuilder> {
    private final int proposer;
    private final long fromRound;
    private final long toRound;

    private SlotRequestBuilder(int proposer, long fromRound, long toRound) {
      this.proposer = proposer;
      this.fromRound = fromRound;
      this.toRound = toRound;
    }

    SlotRequest build() {
      return new SlotRequest(view, from, proposer, fromRound, toRound);
    }
  }

  static final class SlotTransferBuilder extends Header<SlotTransferBuilder> {
    private final int proposer;
    private final long firstRound;
    private List<Batch> batches;

    private SlotTransferBuilder(int proposer, long firstRound) {
      this.proposer = proposer;
      this.firstRound = firstRound;
    }

    SlotTransferBuilder batches(List<Batch> batches) {
      this.batches = batches;
      return this;
    }

    SlotTransfer build() {
      return new SlotTransfer(view, from, proposer, firstRound, batches);
    }
  }
}
