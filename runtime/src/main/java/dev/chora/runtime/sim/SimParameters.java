package dev.chora.runtime.sim;

import dev.chora.runtime.config.ChoraConfig;
import dev.chora.runtime.config.ProposerPolicy;
import dev.chora.runtime.message.RoundSlots;
import java.util.SplittableRandom;

/**
 * Everything one simulated run varies, drawn from its seed so that a seed names a run exactly:
 * group size and protocol settings, client load, and the fault mix of the faulty phase.
 *
 * @param lagEpisodes      episodes of one replica's inbound running tens of round timeouts late
 * @param faultRounds      the faulty phase lasts until some replica reaches this round
 * @param livenessRounds   after faults stop, every request must complete within this many rounds
 */
public record SimParameters(
    long seed,
    ChoraConfig config,
    int clients,
    int opsPerClient,
    int keys,
    long meanThinkNanos,
    long clientTimeoutNanos,
    double barrierReadShare,
    double logReadShare,
    double casShare,
    long minDelayNanos,
    long maxDelayNanos,
    double dropRate,
    double lateRate,
    double duplicateRate,
    long lateDelayMaxNanos,
    int linkFaults,
    int faultEpisodes,
    int lagEpisodes,
    double crashOnViewChange,
    double crashOnStateTransfer,
    int faultRounds,
    int livenessRounds) {

  /** Round timeout in the simulated network; delays are drawn around it. */
  static final long ROUND_TIMEOUT_NANOS = 1_000_000;

  public static SimParameters forSeed(long seed, int replicas) {
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + replicas);
    // Drawn from a stream of its own, so that every other parameter of a seed stays what it was.
    SplittableRandom extra = new SplittableRandom(seed * 0xC2B2AE3D27D4EB4FL + replicas);
    long suspectAfterMax = extra.nextBoolean() ? -1 : 2 * ROUND_TIMEOUT_NANOS + extra.nextLong(18 * ROUND_TIMEOUT_NANOS);
    // Half the seeds give every replica a warm-up (from its start, a restart's too) of up to 3,000
    // round timeouts, about the faulty phase, with suspicion 2 to 4 times slower meanwhile: warm-ups
    // then end while faults go on, at different times at different replicas. A stream of its own.
    SplittableRandom warm = new SplittableRandom(seed * 0x165667B19E3779F9L + replicas);
    boolean warmsUp = warm.nextBoolean();
    long warmUp = warmsUp ? ROUND_TIMEOUT_NANOS * (1 + warm.nextInt(3000)) : 0;
    int warmUpFactor = warmsUp ? 2 + warm.nextInt(3) : 2;
    // One seed in four gives a member that is late but heard from, or paused and came back, longer
    // before it is suspected (suspect-late-after, 20 to 200 round timeouts; never below
    // suspect-after-max); the others none. A stream of its own.
    SplittableRandom late = new SplittableRandom(seed * 0x27D4EB2F165667C5L + replicas);
    long suspectLateAfter = late.nextInt(4) == 0 ? ROUND_TIMEOUT_NANOS * (20 + late.nextInt(181)) : -1;
    int inFlight = 1 + r.nextInt(8);
    int maxRequest = KvCommand.BYTES + 16 + r.nextInt(32);
    int maxBatch = maxRequest * (1 + r.nextInt(64));
    int snapshotEvery = 4 + r.nextInt(60);
    // Half the seeds also snapshot by bytes, a few batches' worth: snapshots then come at rounds
    // that differ from replica to replica (a transferred snapshot restarts the count).
    // Those seeds also bound the log's bytes at two to five times that (two is the least allowed),
    // so that rounds stop at the bound, and replicas outside the active set drop slots at it, often.
    boolean byBytes = extra.nextBoolean();
    long snapshotEveryBytes = byBytes ? maxBatch * (1L + extra.nextInt(16)) : Long.MAX_VALUE / 2;
    long maxLogBytes = byBytes ? snapshotEveryBytes * (2 + extra.nextInt(4)) : Long.MAX_VALUE;
    // One seed in eight keeps hundreds of rounds between snapshots and a window twice that, as a
    // deployment with rare snapshots would: lagging replicas then catch up by fetching rounds far
    // more often than by snapshot (a 4096-round window once left a replica out over aeron-udp).
    boolean longWindow = extra.nextInt(8) == 0;
    int longSnapshotEvery = 256 + extra.nextInt(1024);
    // One to two and a half whole rounds: view changes often hold more, and go in parts.
    long wholeRound = RoundSlots.maxSizeBytes(replicas, maxBatch);
    ChoraConfig.Builder config = ChoraConfig.builder(replicas)
        .minRoundIntervalNanos(r.nextInt(4) == 0 ? r.nextLong(200_000) : 0)
        .roundTimeoutNanos(ROUND_TIMEOUT_NANOS)
        .idleRoundIntervalNanos(300_000 + r.nextLong(3_000_000))
        .maxRequestBytes(maxRequest)
        .maxBatchBytes(maxBatch)
        .maxBatchRequests(1 + r.nextInt(128))
        .maxQueuedRequests(64 + r.nextInt(1024))
        .maxRoundsInFlight(inFlight)
        .maxTransferBytes((int) (wholeRound + wholeRound * r.nextInt(4) / 2))
        .suspectAfterRounds(2 + r.nextInt(4))
        .suspectAfterMaxNanos(suspectAfterMax)
        .suspectLateAfterNanos(suspectLateAfter)
        .warmUpNanos(warmUp)
        .warmUpSuspicionFactor(warmUpFactor)
        .viewChangeTimeoutNanos(ROUND_TIMEOUT_NANOS * (4 + r.nextInt(20)))
        .snapshotEveryRounds(longWindow ? longSnapshotEvery : snapshotEvery)
        .snapshotEveryBytes(snapshotEveryBytes)
        .maxLogBytes(maxLogBytes)
        .logWindowRounds(longWindow ? 2 * longSnapshotEvery : snapshotEvery + 4 * inFlight + 4 + r.nextInt(64))
        .rejoinAfterRounds(4 + r.nextInt(24));
    boolean calm = r.nextInt(10) == 0; // some runs with no faults at all, the common case
    // One seed in four has a replica whose inbound lags tens of round timeouts for a while.
    int lagEpisodes = !calm && extra.nextInt(4) == 0 ? 1 + extra.nextInt(2) : 0;
    int faultRounds = 1000 + r.nextInt(2000);
    int opsPerClient = 40 + r.nextInt(120);
    // Spread each client's operations over about the faulty phase, so that some are in flight
    // when the faults stop and the liveness bound is exercised.
    long meanThink = faultRounds * (150_000L + r.nextLong(300_000)) / opsPerClient;
    int clients = 2 + r.nextInt(7);
    // One seed in four keeps a client table smaller than its clients, so that sessions are evicted
    // while their requests are still retried and duplicated by the network. A stream of its own.
    SplittableRandom table = new SplittableRandom(seed * 0xD6E8FEB86659FD93L + replicas);
    if (table.nextInt(4) == 0) {
      config.maxClients(1 + table.nextInt(clients));
    }
    return new SimParameters(
        seed,
        config.build(),
        clients,
        opsPerClient,
        1 + r.nextInt(5),
        meanThink,
        4 * ROUND_TIMEOUT_NANOS + r.nextLong(12 * ROUND_TIMEOUT_NANOS),
        r.nextDouble() * 0.4,
        r.nextDouble() * 0.15,
        r.nextDouble() * 0.3,
        20_000 + r.nextLong(50_000),
        100_000 + r.nextLong(400_000),
        calm ? 0 : r.nextDouble() * 0.08,
        calm ? 0 : r.nextDouble() * 0.05,
        calm ? 0 : r.nextDouble() * 0.05,
        ROUND_TIMEOUT_NANOS * (2 + r.nextInt(20)),
        calm ? 0 : r.nextInt(6),
        calm ? 0 : r.nextInt(8),
        lagEpisodes,
        calm ? 0 : r.nextDouble() * 0.01,
        calm ? 0 : r.nextDouble() * 0.005,
        faultRounds,
        1500);
  }

  public int replicas() {
    return config.replicas();
  }

  /**
   * The same run in durable mode: replicas persist to simulated disks, and the fault schedule adds
   * the faults only disks survive (every replica crashing at once, f+1 crashing) and the disks' own
   * (torn writes, slow and failing syncs, bit flips, a full disk). See Simulation's durable faults.
   */
  public SimParameters durable() {
    return new SimParameters(seed, config.toBuilder().durable(true).build(), clients, opsPerClient, keys, meanThinkNanos,
        clientTimeoutNanos, barrierReadShare, logReadShare, casShare, minDelayNanos, maxDelayNanos, dropRate, lateRate,
        duplicateRate, lateDelayMaxNanos, linkFaults, faultEpisodes, lagEpisodes, crashOnViewChange,
        crashOnStateTransfer, faultRounds, livenessRounds);
  }

  /**
   * The same run with another proposer policy (a baseline: see {@link ProposerPolicy}); the fault
   * schedule and the clients' load are the seed's, as under the default.
   */
  public SimParameters withProposers(ProposerPolicy proposers) {
    return new SimParameters(seed, config.toBuilder().proposers(proposers).build(), clients, opsPerClient, keys,
        meanThinkNanos, clientTimeoutNanos, barrierReadShare, logReadShare, casShare, minDelayNanos, maxDelayNanos,
        dropRate, lateRate, duplicateRate, lateDelayMaxNanos, linkFaults, faultEpisodes, lagEpisodes,
        crashOnViewChange, crashOnStateTransfer, faultRounds, livenessRounds);
  }

  /** The same run without faults: no loss, lateness, duplicates, link faults, episodes or crashes. */
  public SimParameters calm() {
    return new SimParameters(seed, config, clients, opsPerClient, keys, meanThinkNanos, clientTimeoutNanos,
        barrierReadShare, logReadShare, casShare, minDelayNanos, maxDelayNanos, 0, 0, 0, lateDelayMaxNanos, 0, 0, 0,
        0, 0, faultRounds, livenessRounds);
  }
}
