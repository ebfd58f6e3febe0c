package dev.chora.runtime.core;

import static dev.chora.runtime.core.Messages.round;

import dev.chora.runtime.config.ChoraConfig;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.sim.SimQueue;
import java.util.List;

/**
 * One core driven step by step with hand-made inputs, its outputs recorded: replica 0 of a group of
 * three unless a test says otherwise. The step-by-step tests each check one part of the protocol
 * (DESIGN §3, §4, §8) through the core's public inputs and its {@link CoreOutput}.
 */
abstract class CoreFixture {
  static final long MS = 1_000_000;

  static ChoraConfig.Builder config() {
    return ChoraConfig.builder(3)
        .roundTimeoutNanos(MS)
        .minRoundIntervalNanos(0)
        .idleRoundIntervalNanos(10 * MS)
        .maxRequestBytes(100)
        .maxBatchBytes(200)
        .maxTransferBytes(700) // a whole round of three full 200-byte batches, and a little more
        .maxRoundsInFlight(4)
        .snapshotEveryRounds(4)
        .logWindowRounds(32)
        .suspectAfterRounds(100); // normal-operation tests: peers that stay silent are not suspected
  }

  Recorder out = new Recorder();
  ReplicaCore core = new ReplicaCore(config().build(), 0, out);

  static Request req(long client, long seq) {
    return new Request(client, seq, new byte[34]); // 50 bytes with its header
  }

  static Batch batch(Request... requests) {
    return Batch.of(List.of(requests));
  }

  /**
   * Replicas 1 and 2 keep pace, each acknowledging everything it has of every round as it enters
   * it, until this replica reaches {@code round}; the core ticks only when it has to. Returns the
   * time reached, from {@code t}.
   */
  long runWithPeersInStep(long round, long t) {
    while (core.currentRound() < round) {
      long r = core.currentRound();
      core.receive(t, round(r).from(1).acks(r - 1, r, r - 1).build());
      core.receive(t, round(r).from(2).acks(r - 1, r - 1, r).build());
      if (core.currentRound() == r) {
        t = Math.max(t, core.nextDeadlineNanos());
        core.tick(t);
      }
    }
    return t;
  }

  /** A peer's round message for {@code round}, in a driven run. */
  record Arrival(int from, long round) {}

  /** When replica 2 fell silent in the last driven run: the start of the first round it sent nothing for. */
  long silentAt = -1;
  /** When the last driven run last delivered a message from replica 2. */
  long lastFromTwo;

  /**
   * Replica 1's round messages come at round entry, replica 2's {@code lagNanos} later, until
   * {@code silentFrom} (replica 2 then sends nothing). Runs until {@code until} or a view change.
   */
  long driveWithLaggingPeer(long lagNanos, long silentFrom, long until) {
    SimQueue<Arrival> arrivals = new SimQueue<>();
    long t = 0;
    core.tick(t);
    long lastRound = 0;
    while (t < until && core.status() == ReplicaCore.Status.NORMAL) {
      for (long r = lastRound + 1; r <= core.currentRound(); r++) {
        arrivals.schedule(t, new Arrival(1, r));
        if (r < silentFrom) {
          arrivals.schedule(t + lagNanos, new Arrival(2, r));
        } else if (r == silentFrom) {
          silentAt = t;
        }
      }
      lastRound = core.currentRound();
      t = deliverNextOrTick(arrivals, t);
    }
    return t;
  }

  /**
   * One step of a driven run: the earliest arrival due by the core's next deadline is delivered as
   * an empty round message, else the core ticks at that deadline. Snapshots asked for are answered
   * at once, so that the log window moves.
   */
  long deliverNextOrTick(SimQueue<Arrival> arrivals, long t) {
    while (!out.snapshotsAsked.isEmpty()) {
      core.snapshotTaken(out.snapshotsAsked.remove(0), new byte[0]);
    }
    SimQueue.Scheduled<Arrival> due = arrivals.pollDue(core.nextDeadlineNanos());
    if (due != null) {
      Arrival a = due.item();
      t = Math.max(t, due.time());
      long r = a.round();
      core.receive(t, round(r).from(a.from()).acks(r - 1, r - 1, r - 1).build());
      if (a.from() == 2) {
        lastFromTwo = t;
      }
    } else {
      t = Math.max(t, core.nextDeadlineNanos());
      core.tick(t);
    }
    return t;
  }
}
