package dev.chora.runtime.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random appends, syncs, truncations, crashes, full disks and (in one test) bit flips on a {@link
 * SimDisk}, over many seeds. After every crash or failure and reopen, the log must hold exactly a
 * prefix of what it was told to hold, and without bit flips that prefix must include everything
 * a sync reported durable; with bit flips, opening either refuses loudly or returns such a prefix:
 * never a damaged record, never a record out of place. A failing seed's message names it.
 */
class LogPropertyTest {
  private static final String REPLAY = " (replay one seed: mvn -B -q -pl runtime -am test"
      + " -Dtest='dev.chora.runtime.storage.LogPropertyTest' -Dsurefire.failIfNoSpecifiedTests=false -Dchora.storage.seed=N)";

  /** Tiny segments and buffer, so that rollover, buffer flushes and direct writes all happen often. */
  private static final LogOptions OPTIONS = new LogOptions(SegmentHeader.BYTES + 240, 64, 96);

  /** What one seed's run saw, summed over the seeds to show the faults really happened. */
  private static final class Tally {
    long crashes;
    long restarts;
    long cuts;
    long refusals;
    long recordsChecked;
    long unwritable;

    @Override
    public String toString() {
      return "crashes " + crashes + ", restarts " + restarts + ", torn tails cut " + cuts + ", refusals " + refusals
          + ", full-disk and failed-sync errors " + unwritable + ", records checked " + recordsChecked;
    }
  }

  @Test
  void everyCrashKeepsAPrefixThatHoldsEverythingSynced() throws IOException {
    Tally tally = runSeeds(400, false);
    assertTrue(oneSeed() || tally.crashes > 2000 && tally.cuts > 100 && tally.unwritable > 100 && tally.recordsChecked > 10_000,
        "faults too rare to prove anything: crashes " + tally.crashes + ", cuts " + tally.cuts + ", unwritable " + tally.unwritable
            + ", records checked " + tally.recordsChecked);
    assertEquals(0, tally.refusals, "without damage nothing may be refused");
  }

  @Test
  void bitFlipsAreRefusedOrCutNeverReplayed() throws IOException {
    Tally tally = runSeeds(200, true);
    assertTrue(oneSeed() || tally.refusals > 50, "flips found only " + tally.refusals + " times");
  }

  @Test
  void aSeedReplaysExactly() throws IOException {
    for (long seed = 1; seed <= 20; seed++) {
      assertEquals(run(seed, true, new Tally()), run(seed, true, new Tally()), "seed " + seed);
    }
  }

  /**
   * A crash inside an operation rather than between two: at the n-th write operation on the disk
   * (a buffer flush, a rollover's sync, a directory sync, a truncation's deletions), for many n.
   * Whatever was interrupted, the log reopens as a prefix of the records it held or was being
   * given, holding every record synced before and not being truncated away.
   */
  @Test
  void aCrashInsideAnyOperationLeavesAPrefixThatHoldsEverythingSynced() throws IOException {
    long reopened = 0;
    for (long seed : seeds(300)) {
      SplittableRandom random = new SplittableRandom(seed);
      SimDisk sim = new SimDisk("seed-" + seed, seed, SyncLatency.NONE);
      CrashPointDisk disk = new CrashPointDisk(sim, 1 + random.nextInt(120));
      List<LogRecord> model = new ArrayList<>();
      List<LogRecord> candidate = model;
      long mustKeep = 0;
      long prefixUpTo = 0;
      StringBuilder ops = new StringBuilder();
      try (SegmentedLog log = SegmentedLog.open(disk, OPTIONS, r -> { })) {
        while (true) {
          int op = random.nextInt(100);
          long durable = log.durableIndex();
          candidate = model;
          mustKeep = model.stream().filter(r -> r.index() <= durable).count();
          if (op < 70) {
            byte[] payload = new byte[random.nextInt(OPTIONS.maxRecordBytes() + 1)];
            random.nextBytes(payload);
            LogRecord record = new LogRecord(log.lastIndex() + 1, random.nextInt(256), payload);
            candidate = new ArrayList<>(model);
            candidate.add(record);
            ops.append('a').append(record.index()).append(';');
            log.append(record.index(), record.type(), record.payload());
            model = candidate;
          } else if (op < 88) {
            ops.append("sync;");
            log.sync();
          } else if (op < 95 && !model.isEmpty()) {
            long from = model.get(random.nextInt(model.size())).index();
            ops.append("suffix").append(from).append(';');
            mustKeep = model.stream().filter(r -> r.index() <= durable && r.index() < from).count();
            log.truncateSuffix(from);
            model = new ArrayList<>(model);
            model.removeIf(r -> r.index() >= from);
          } else if (!model.isEmpty()) {
            long upTo = model.get(random.nextInt(model.size())).index();
            ops.append("prefix").append(upTo).append(';');
            prefixUpTo = upTo;
            log.truncatePrefix(upTo);
            prefixUpTo = 0;
            long first = log.firstIndex();
            model = new ArrayList<>(model);
            model.removeIf(r -> r.index() < first);
          }
        }
      } catch (CrashPointDisk.Crashed e) {
        List<LogRecord> recovered = new ArrayList<>();
        SegmentedLog.open(sim, OPTIONS, recovered::add).close();
        reopened++;
        // Only a prefix truncation, interrupted or not, may remove records from the front, and only those it was asked to.
        List<LogRecord> from = candidate;
        if (!recovered.isEmpty()) {
          long first = recovered.get(0).index();
          int skip = 0;
          while (skip < from.size() && from.get(skip).index() < first) {
            assertTrue(from.get(skip).index() <= prefixUpTo, "seed " + seed + " after " + ops + ": record "
                + from.get(skip).index() + " lost from the front");
            skip++;
          }
          from = from.subList(skip, from.size());
          mustKeep -= skip;
        }
        assertSame(seed + " after " + ops, from, recovered, mustKeep);
      }
    }
    assertEquals(oneSeed() ? 1 : 300, reopened);
  }

  private static Tally runSeeds(int count, boolean flips) throws IOException {
    Tally tally = new Tally();
    long[] seeds = seeds(count);
    for (long seed : seeds) {
      run(seed, flips, tally);
    }
    System.out.println("LogPropertyTest " + (flips ? "with bit flips, " : "without damage, ") + seeds.length + " seeds: " + tally);
    return tally;
  }

  /** Runs one seed; returns a digest of what it saw, for the determinism check. */
  private static String run(long seed, boolean flips, Tally tally) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    SimDisk disk = new SimDisk("seed-" + seed, seed, SyncLatency.NONE);
    StringBuilder digest = new StringBuilder();
    List<LogRecord> model = new ArrayList<>();
    long durable = 0;
    boolean damaged = false;
    // A suffix truncation that fails part way may have removed some of what it was asked to.
    long truncatingFrom = Long.MAX_VALUE;
    SegmentedLog log = SegmentedLog.open(disk, OPTIONS, model::add);
    for (int step = 0; step < 400; step++) {
      int op = random.nextInt(100);
      boolean crash = false;
      boolean restart = false;
      try {
        if (op < 55) {
          long index = log.lastIndex() + 1 + (random.nextInt(4) == 0 ? random.nextInt(3) : 0);
          byte[] payload = new byte[random.nextInt(OPTIONS.maxRecordBytes() + 1)];
          random.nextBytes(payload);
          int type = random.nextInt(256);
          log.append(index, type, payload);
          model.add(new LogRecord(index, type, payload));
          digest.append('a').append(index).append(':').append(payload.length).append(';');
        } else if (op < 70) {
          durable = log.sync();
          digest.append("sync;");
          assertEquals(log.lastIndex(), durable, "seed " + seed + ": sync covers every append");
        } else if (op < 74) {
          long from = model.isEmpty() ? 1 : model.get(random.nextInt(model.size())).index() + random.nextInt(2);
          boolean cuts = from <= log.lastIndex();
          truncatingFrom = from;
          log.truncateSuffix(from);
          truncatingFrom = Long.MAX_VALUE;
          digest.append("suffix").append(from).append(';');
          model.removeIf(r -> r.index() >= from);
          if (cuts) {
            assertEquals(log.lastIndex(), log.durableIndex(), "seed " + seed + ": a suffix truncation is durable");
          }
          durable = log.durableIndex();
        } else if (op < 77) {
          long upTo = model.isEmpty() ? 0 : model.get(random.nextInt(model.size())).index();
          log.truncatePrefix(upTo);
          digest.append("prefix").append(upTo).append(';');
          long first = log.firstIndex();
          assertTrue(model.isEmpty() || model.stream().noneMatch(r -> r.index() > upTo && r.index() < first),
              "seed " + seed + ": truncatePrefix removed a record above " + upTo);
          model.removeIf(r -> r.index() < first);
        } else if (op < 86) {
          crash = true;
        } else if (op < 89) {
          int room = random.nextInt(300);
          disk.setCapacityBytes(disk.usedBytes() + room);
          digest.append("room").append(room).append(';');
        } else if (op < 91) {
          disk.setCapacityBytes(Long.MAX_VALUE);
        } else if (op < 92) {
          disk.failNextSyncs(1);
          digest.append("failsync;");
        } else if (flips && op < 94) {
          List<String> segments = new ArrayList<>(disk.list());
          segments.removeIf(n -> !n.endsWith(".seg"));
          if (!segments.isEmpty()) {
            String victim = segments.get(random.nextInt(segments.size()));
            if (disk.usedBytes() > 0 && disk.open(victim).size() > 0) {
              digest.append("flip ").append(victim).append('@').append(disk.flipRandomBit(victim)).append(';');
              damaged = true;
            }
          }
        } else {
          List<LogRecord> read = new ArrayList<>();
          log.read(log.firstIndex(), read::add);
          assertSame(seed + " after " + digest, model, read, model.size());
          tally.recordsChecked += read.size();
        }
      } catch (StorageUnwritableException e) {
        tally.unwritable++;
        digest.append(e.kind()).append(';');

        restart = true;
      } catch (CorruptStorageException e) {
        if (!damaged) {
          throw new AssertionError("seed " + seed + ": corruption reported without damage", e);
        }
        tally.refusals++;
        return digest.append("refused:").append(e.getMessage()).toString();
      }
      if (crash || restart) {
        if (crash || random.nextBoolean()) {
          disk.crash();
          tally.crashes++;
          digest.append("crash;");
        } else {
          log.close();
          tally.restarts++;
          digest.append("restart;");
        }
        disk.setCapacityBytes(Long.MAX_VALUE);
        disk.failNextSyncs(0);
        List<LogRecord> recovered = new ArrayList<>();
        try {
          log = SegmentedLog.open(disk, OPTIONS, recovered::add);
        } catch (CorruptStorageException e) {
          if (!damaged) {
            throw new AssertionError("seed " + seed + ": corruption reported without damage", e);
          }
          tally.refusals++;
          return digest.append("refused:").append(e.getMessage()).toString();
        }
        long syncedUpTo = durable;
        long keptBelow = truncatingFrom;
        long synced = model.stream().filter(r -> r.index() <= syncedUpTo && r.index() < keptBelow).count();
        truncatingFrom = Long.MAX_VALUE;
        assertSame(seed + " after " + digest, model, recovered, damaged ? 0 : synced);
        tally.recordsChecked += recovered.size();
        if (log.replayReport().cutTornTail()) {
          tally.cuts++;
        }
        assertEquals(log.lastIndex(), log.durableIndex(), "seed " + seed + ": what replay found is synced");
        digest.append(recovered.size()).append(';');
        model = recovered;
        durable = log.lastIndex();
      }
    }
    disk.setCapacityBytes(Long.MAX_VALUE);
    disk.failNextSyncs(0);
    log.close();
    return digest.toString();
  }

  /** Seeds 1 to {@code count}, or only the one {@code -Dchora.storage.seed=N} names, to replay a failure. */
  private static long[] seeds(int count) {
    return oneSeed() ? new long[] {Long.parseLong(System.getProperty("chora.storage.seed"))}
        : java.util.stream.LongStream.rangeClosed(1, count).toArray();
  }

  private static boolean oneSeed() {
    return System.getProperty("chora.storage.seed") != null;
  }

  /** {@code actual} is a prefix of {@code model} at least {@code least} records long, record for record. */
  private static void assertSame(String seed, List<LogRecord> model, List<LogRecord> actual, long least) {
    if (actual.size() > model.size() || actual.size() < least) {
      fail("seed " + seed + ": " + actual.size() + " records where a prefix of the " + model.size()
          + " appended holding at least " + least + " was due" + REPLAY);
    }
    for (int i = 0; i < actual.size(); i++) {
      LogRecord want = model.get(i);
      LogRecord got = actual.get(i);
      assertEquals(want.index(), got.index(), "seed " + seed + ": record " + i + REPLAY);
      assertEquals(want.type(), got.type(), "seed " + seed + ": type of record " + want.index());
      assertArrayEquals(want.payload(), got.payload(), "seed " + seed + ": payload of record " + want.index());
    }
  }
}
