package dev.chora.runtime.sim;

import dev.chora.runtime.core.CoreMutation;
import dev.chora.runtime.storage.CorruptStorageException;
import dev.chora.runtime.storage.LogOptions;
import dev.chora.runtime.storage.ReplicaStore;
import dev.chora.runtime.storage.ReplicaStoreOptions;
import dev.chora.runtime.storage.SimDisk;
import dev.chora.runtime.storage.SyncLatency;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The durable mode of a simulated run: one {@link SimDisk} per replica, which outlives the
 * replica's incarnations, the faults only disks have, and the restarts from disk. Every draw comes
 * from a stream of its own, so a memory-mode run of the same seed is unchanged.
 *
 * <p>The faults: each disk's syncs take a drawn latency with spikes; a crash loses what was not
 * synced and may tear the last write ({@link SimDisk#crash}); now and then a crashed replica's disk
 * gets a flipped bit before it restarts, which the store must refuse (the replica is then wiped and
 * recovers from its peers, as an operator would restore it); outages crash more than f replicas at
 * once (every one, or f+1), and a full disk stops a replica's writes. A run has at most one outage
 * or wipe in progress, and a disk is wiped only while every other replica has its disk.
 */
final class SimDurability {
  /** The chance that a lone crashed replica's disk has a flipped bit when it restarts. */
  private static final double BIT_FLIP_ON_RESTART = 0.25;

  private final SimParameters p;
  private final int n;
  private final SplittableRandom rng;
  private final SimDisk[] disks;
  private final ReplicaStoreOptions options;
  /** The chance that installing a view triggers an outage at once (view state on disk matters most then). */
  final double outageOnViewInstall;
  long outages;
  long restartsFromDisk;
  long bitFlips;
  long corruptionsRefused;
  long diskFulls;
  long storageFailures;
  /** The highest round any replica had executed when the last outage began (-1: none yet). */
  long outageRound = -1;

  SimDurability(SimParameters p, CoreMutation mutation) {
    this.p = p;
    this.n = p.replicas();
    this.rng = new SplittableRandom(p.seed() * 0x5851F42D4C957F2DL + n);
    long base = 20_000 + rng.nextLong(300_000);
    SyncLatency latency = new SyncLatency(base, rng.nextLong(base + 1), rng.nextDouble() * 0.05,
        1_000_000 + rng.nextLong(20_000_000));
    this.disks = new SimDisk[n];
    for (int i = 0; i < n; i++) {
      disks[i] = new SimDisk("r" + i, rng.nextLong(), latency);
    }
    // Small segments, so that rollover and deleting the log below a snapshot happen in every run.
    int maxRecord = (int) Math.min(Integer.MAX_VALUE, 4L * p.config().maxTransferBytes() + 4096);
    long segment = Math.max(128L + maxRecord, 8_192 + rng.nextLong(64_000));
    LogOptions log = new LogOptions(segment, maxRecord, 4096);
    this.options = new ReplicaStoreOptions(mutation == CoreMutation.TRUST_BAD_CHECKSUM ? log.trustingChecksums() : log,
        4096, rng.nextBoolean(), p.config().maxSnapshotBytes());
    this.outageOnViewInstall = rng.nextInt(2) == 0 ? 0 : rng.nextDouble() * 0.004;
  }

  /** The outages and full disks of the faulty phase, to schedule with the seed's other episodes. */
  List<FaultEpisode> draw() {
    List<FaultEpisode> episodes = new ArrayList<>();
    if (p.faultEpisodes() == 0) {
      return episodes; // a calm seed stays calm
    }
    int f = p.config().faultTolerance();
    int outages = rng.nextInt(4);
    for (int i = 0; i < outages; i++) {
      long start = rng.nextLong(p.faultRounds() * 400_000L);
      long length = SimParameters.ROUND_TIMEOUT_NANOS * (2 + rng.nextInt(60));
      episodes.add(new FaultEpisode(FaultEpisode.Kind.OUTAGE, outageMask(f), start, start + length));
    }
    if (rng.nextInt(3) == 0) {
      long start = rng.nextLong(p.faultRounds() * 400_000L);
      long length = SimParameters.ROUND_TIMEOUT_NANOS * (20 + rng.nextInt(300));
      episodes.add(new FaultEpisode(FaultEpisode.Kind.DISK_FULL, 1 << rng.nextInt(n), start, start + length));
    }
    return episodes;
  }

  /** Every replica, or f+1 of them. */
  int outageMask(int f) {
    int everyone = (1 << n) - 1;
    if (rng.nextBoolean()) {
      return everyone;
    }
    int mask = 0;
    while (Integer.bitCount(mask) < f + 1) {
      mask |= 1 << rng.nextInt(n);
    }
    return mask;
  }

  long syncLatencyNanos(int replica) {
    return disks[replica].nextSyncLatencyNanos();
  }

  void diskFull(int replica, boolean full) {
    SimDisk disk = disks[replica];
    if (full) {
      diskFulls++;
      disk.setCapacityBytes(disk.usedBytes() + rng.nextLong(64 * 1024));
    } else {
      disk.setCapacityBytes(Long.MAX_VALUE);
    }
  }

  /** The first incarnation: a first start on an empty disk. */
  SimReplica start(Simulation sim, int replica, CoreMutation mutation) {
    return new SimReplica(sim, p, replica, 0, false, 0, mutation, open(replica), null);
  }

  /**
   * A new incarnation after a crash: the disk loses what was not synced; if it may ({@code
   * mayFlipBit}: every other replica has its disk), now and then a bit of a stored file flips. The
   * replica restarts from what the disk holds; a disk the store refuses as damaged is wiped and the
   * replica recovers from its peers, its state lost; an empty disk is a first start after a crash
   * before anything was synced, which recovers too.
   */
  SimReplica restart(Simulation sim, int replica, int incarnation, long nonce, CoreMutation mutation, boolean mayFlipBit) {
    SimDisk disk = disks[replica];
    disk.crash();
    if (mayFlipBit && rng.nextDouble() < BIT_FLIP_ON_RESTART) {
      flipABit(disk);
    }
    ReplicaStore store;
    try {
      store = ReplicaStore.open(disk, n, options);
    } catch (CorruptStorageException e) {
      corruptionsRefused++;
      wipe(disk);
      store = open(replica);
    } catch (IOException e) {
      throw new UncheckedIOException("simulated disk of replica " + replica + " failed to open", e);
    }
    if (store.firstStart()) {
      return new SimReplica(sim, p, replica, incarnation, true, nonce, mutation, store, null);
    }
    restartsFromDisk++;
    return new SimReplica(sim, p, replica, incarnation, false, nonce, mutation, store, store.restore());
  }

  private ReplicaStore open(int replica) {
    try {
      return ReplicaStore.open(disks[replica], n, options);
    } catch (IOException e) {
      throw new UncheckedIOException("simulated disk of replica " + replica + " failed to open", e);
    }
  }

  private void flipABit(SimDisk disk) {
    List<String> files = new ArrayList<>();
    for (String name : disk.list()) {
      if (!name.equals("LOCK") && !name.endsWith(".tmp") && disk.exists(name)) {
        files.add(name);
      }
    }
    if (files.isEmpty()) {
      return;
    }
    try {
      String file = files.get(rng.nextInt(files.size()));
      disk.flipRandomBit(file);
      bitFlips++;
    } catch (IOException | IllegalArgumentException e) {
      // an empty file has no bit to flip
    }
  }

  private static void wipe(SimDisk disk) {
    try {
      for (String name : disk.list()) {
        disk.delete(name);
      }
      disk.syncDirectory();
    } catch (IOException e) {
      throw new UncheckedIOException("wiping simulated disk " + disk.location(), e);
    }
  }
}
