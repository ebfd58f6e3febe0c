package dev.chora.runtime.core;

import dev.chora.runtime.message.RoundSlots;
import java.util.List;

/**
 * What a durable replica found on disk at restart, for {@link ReplicaCore#restart}: the latest
 * snapshot and its round (none and 0 if none was saved; the caller also gives it to the executor,
 * and the core keeps it to serve state transfers), the
 * latest view record, and every round held above the snapshot, in round order, each with the tag
 * under which it was last stored (the fold of the log's entries; see {@link LogEntry}). Slots of a
 * round may be missing (null), as in memory.
 *
 * @param nextSeq the number the next emitted {@link LogEntry} gets: one past the highest entry
 *                number storage holds, so that numbers keep rising across restarts
 */
public record Restored(long snapshotRound, byte[] snapshot, LogEntry.ViewRecord view, List<RoundSlots> rounds,
    long nextSeq) {
  public Restored {
    if (snapshotRound < 0) {
      throw new IllegalArgumentException("snapshot round " + snapshotRound + " is negative");
    }
    if ((snapshot == null) != (snapshotRound == 0)) {
      throw new IllegalArgumentException("a snapshot comes with its round (above 0), and round 0 with none: round "
          + snapshotRound + ", snapshot " + (snapshot == null ? "none" : snapshot.length + " bytes"));
    }
    if (view == null) {
      throw new IllegalArgumentException("a restart needs the view record: without one the data directory is a first start");
    }
    if (nextSeq < 1) {
      throw new IllegalArgumentException("next entry number " + nextSeq + " must be at least 1");
    }
    rounds = List.copyOf(rounds);
    long previous = snapshotRound;
    for (RoundSlots rs : rounds) {
      if (rs.round() <= previous) {
        throw new IllegalArgumentException("restored rounds must rise above the snapshot round " + snapshotRound
            + ": round " + rs.round() + " after " + previous);
      }
      previous = rs.round();
    }
  }
}
