package dev.chora.runtime.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.core.LogEntry;
import dev.chora.runtime.core.Restored;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random entries, syncs, snapshots (which delete log segments), failed syncs, crashes and clean
 * restarts over many seeds, against a model: after every reopen the store must restore exactly
 * the fold of a prefix of the entries it was given, holding at least every entry a sync reported,
 * above the latest snapshot saved, with the latest view record of that prefix and the next entry
 * number after it.
 */
class ReplicaStorePropertyTest {
  private static final int REPLICAS = 3;
  /** Small segments (many rollovers and deletions) and a write buffer that often reaches the disk unsynced. */
  private static final ReplicaStoreOptions OPTIONS = new ReplicaStoreOptions(new LogOptions(1024, 512, 600), 4096, false, 1 << 20);

  @Test
  void everyReopenRestoresAPrefixHoldingEverythingSynced() throws IOException {
    long crashes = 0;
    long lostSome = 0;
    long segmentsDeleted = 0;
    for (long seed = 1; seed <= 300; seed++) {
      Outcome o = run(seed);
      crashes += o.crashes;
      lostSome += o.lostSome;
      segmentsDeleted += o.segmentsDeleted;
    }
    assertTrue(crashes > 1000 && lostSome > 100 && segmentsDeleted > 1000,
        "the runs crashed " + crashes + " times, lost unsynced entries " + lostSome + " times, deleted " + segmentsDeleted + " segments");
  }

  private record Outcome(long crashes, long lostSome, long segmentsDeleted) {}

  private static Outcome run(long seed) throws IOException {
    Random random = new Random(seed);
    SimDisk disk = new SimDisk("d" + seed, seed, SyncLatency.NONE);
    List<LogEntry> entries = new ArrayList<>();
    long durable = 0;
    long snapshotRound = 0;
    byte[] snapshot = null;
    long around = 1;
    long crashes = 0;
    long lostSome = 0;
    long segmentsDeleted = 0;
    ReplicaStore store = ReplicaStore.open(disk, REPLICAS, OPTIONS);
    String where = "seed " + seed;
    for (int op = 0; op < 400; op++) {
      long deletedByThisStore = store.stats().segmentsDeleted();
      int dice = random.nextInt(100);
      if (dice < 65) {
        LogEntry e = entries.isEmpty() ? StoreEntries.view(1) : StoreEntries.random(random, REPLICAS, around);
        entries.add(e);
        store.append(entries.size(), e);
        around += random.nextInt(3) == 0 ? 1 : 0;
      } else if (dice < 80) {
        assertEquals(entries.size(), store.sync(), where);
        durable = entries.size();
      } else if (dice < 85 && !entries.isEmpty() && around > snapshotRound + 1) {
        long round = snapshotRound + 1 + random.nextInt((int) (around - snapshotRound - 1));
        byte[] state = ("state " + seed + "/" + round).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(store.saveSnapshot(round, state));
        snapshotRound = round;
        snapshot = state;
        durable = entries.size();
      } else if (dice < 87 && !entries.isEmpty()) {
        disk.failNextSyncs(1);
        if (store.lastSeq() > store.durableSeq()) {
          ReplicaStore failing = store;
          StorageUnwritableException e = assertThrows(StorageUnwritableException.class, failing::sync, where);
          assertEquals(durable, failing.durableSeq(), where);
          assertEquals(e, assertThrows(StorageUnwritableException.class,
              () -> failing.append(entries.size() + 1, StoreEntries.view(2))), where);
          failing.close();
          disk.crash();
          crashes++;
        } else {
          store.close();
          disk.failNextSyncs(0);
        }
        store = null;
      } else if (dice < 95) {
        disk.crash();
        crashes++;
        store = null;
      } else {
        store.close();
        durable = entries.size();
        store = null;
      }
      if (store == null) {
        segmentsDeleted += deletedByThisStore;
        store = ReplicaStore.open(disk, REPLICAS, OPTIONS);
        long found = store.lastSeq();
        String at = where + ", op " + op + ": found " + found + ", synced " + durable + ", given " + entries.size();
        assertTrue(found >= durable && found <= entries.size(), at);
        if (found < entries.size()) {
          lostSome++;
        }
        entries.subList((int) found, entries.size()).clear();
        durable = found;
        assertEquals(found == 0 && snapshotRound == 0, store.firstStart(), at);
        if (!store.firstStart()) {
          Restored r = store.restore();
          assertEquals(found + 1, r.nextSeq(), at);
          assertEquals(snapshotRound, r.snapshotRound(), at);
          if (snapshot != null) {
            assertArrayEquals(snapshot, r.snapshot(), at);
          }
          assertEquals(StoreEntries.latestView(entries, (int) found), r.view(), at);
          assertEquals(StoreEntries.expectedRounds(entries, (int) found, snapshotRound, REPLICAS),
              StoreEntries.describe(r.rounds()), at);
        }
      }
    }
    segmentsDeleted += store.stats().segmentsDeleted();
    store.close();
    return new Outcome(crashes, lostSome, segmentsDeleted);
  }
}
