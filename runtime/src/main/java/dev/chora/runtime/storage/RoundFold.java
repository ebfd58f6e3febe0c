package dev.chora.runtime.storage;

import dev.chora.runtime.core.LogEntry;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.RoundSlots;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The rounds a replica held, rebuilt from its log entries in entry order (the rules of {@link
 * LogEntry}): a {@link LogEntry.Slot} creates its round or fills an empty slot of it, never
 * replacing a held one; a {@link LogEntry.Round} replaces the whole round; a {@link
 * LogEntry.ClearAbove} forgets every round above it. Rounds at or below the snapshot are skipped
 * (the snapshot covers them; a later ClearAbove only deletes, so skipping them early changes
 * nothing). Holds only rounds above the snapshot, which the core's log window bounds.
 */
final class RoundFold {
  private final long snapshotRound;
  private final int replicas;
  private final TreeMap<Long, Held> rounds = new TreeMap<>();

  /** One round as held so far; its slots array has one place per replica. */
  private record Held(int proposers, long tag, Batch[] slots) {}

  RoundFold(long snapshotRound, int replicas) {
    this.snapshotRound = snapshotRound;
    this.replicas = replicas;
  }

  /**
   * Folds one entry in; view records do not touch rounds.
   *
   * @param where where the entry was read, for the error
   * @throws CorruptStorageException if the entry names a replica the cluster does not have
   */
  void apply(LogEntry entry, String where) throws CorruptStorageException {
    if (entry instanceof LogEntry.Slot s) {
      if (s.proposer() >= replicas) {
        throw new CorruptStorageException(where, "slot of proposer " + s.proposer() + " in round " + s.round()
            + ", but the cluster has " + replicas + " replicas");
      }
      if (s.round() <= snapshotRound) {
        return;
      }
      Held held = rounds.computeIfAbsent(s.round(), r -> new Held(s.proposers(), s.tag(), new Batch[replicas]));
      if (held.slots[s.proposer()] == null) {
        held.slots[s.proposer()] = s.batch();
      }
    } else if (entry instanceof LogEntry.Round r) {
      RoundSlots rs = r.slots();
      if (rs.slots().length != replicas) {
        throw new CorruptStorageException(where, "round " + rs.round() + " has " + rs.slots().length
            + " slots, but the cluster has " + replicas + " replicas");
      }
      if (rs.round() <= snapshotRound) {
        return;
      }
      rounds.put(rs.round(), new Held(rs.proposers(), rs.tag(), rs.slots().clone()));
    } else if (entry instanceof LogEntry.ClearAbove c) {
      rounds.tailMap(c.round(), false).clear();
    }
  }

  /** The rounds held, in round order. */
  List<RoundSlots> rounds() {
    List<RoundSlots> out = new ArrayList<>(rounds.size());
    rounds.forEach((round, held) -> out.add(new RoundSlots(round, held.proposers(), held.tag(), held.slots().clone())));
    return out;
  }
}
