package dev.chora.runtime.core;

import static dev.chora.runtime.core.Sentinels.NO_ROUND;

import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.DoViewChange;
import dev.chora.runtime.message.RoundSlots;
import dev.chora.runtime.message.StartView;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The coordinator's decision (DESIGN §6 step 3), as a pure function of the DoViewChange messages
 * it uses. docs/protocol.md, "Why the view change is safe", gives the argument.
 *
 * <ul>
 *   <li>K = the highest round executed by a sender: rounds up to K are committed and executed
 *       there, and every replica fetches them as committed state — they need no decision;
 *   <li>for each round above K, the content with the highest view tag among the senders (within
 *       one tag a round has one content, so slots of equally tagged copies are merged). This is
 *       DESIGN's "slots of the senders with the highest last normal view", refined per round, as
 *       Paxos takes the value with the highest ballot;
 *   <li>R* = the highest round above K of which any slot is held; for every round in (K, R*], each
 *       proposer of that round gets its chosen slot, or an empty batch (a no-op) if nobody holds it
 *       — such a slot cannot have been committed;
 *   <li>the new active set is the senders used; the new view starts at R* + 1.
 * </ul>
 *
 * <p>Invariant, asserted (for an unmutated core): copies of a round with the same view tag never
 * disagree on a slot both hold — one value per slot per view.
 */
final class ViewDecision {
  private ViewDecision() {}

  static StartView decide(long view, int coordinator, int replicas, List<DoViewChange> used, CoreMutation mutation) {
    long executed = NO_ROUND;
    int executedAt = coordinator;
    int activeSet = 0;
    for (DoViewChange d : used) {
      if (d.executedRound() > executed) {
        executed = d.executedRound();
        executedAt = d.from();
      }
      activeSet |= 1 << d.from();
    }
    boolean preferLowest = mutation == CoreMutation.COORDINATOR_PREFERS_LOWER_VIEW;
    TreeMap<Long, RoundSlots> chosen = new TreeMap<>();
    for (DoViewChange d : used) {
      for (RoundSlots rs : d.rounds()) {
        if (rs.round() <= executed) {
          continue;
        }
        RoundSlots best = chosen.get(rs.round());
        boolean better = best == null || (preferLowest ? rs.tag() < best.tag() : rs.tag() > best.tag());
        if (better) {
          chosen.put(rs.round(), new RoundSlots(rs.round(), rs.proposers(), rs.tag(), rs.slots().clone()));
        } else if (rs.tag() == best.tag()) {
          assert mutation != CoreMutation.NONE || oneContent(best, rs)
              : "round " + rs.round() + " has two contents under view tag " + rs.tag();
          for (int j = 0; j < replicas; j++) {
            if (best.slots()[j] == null && rs.slots()[j] != null) {
              best.slots()[j] = rs.slots()[j];
            }
          }
        }
      }
    }
    long highest = executed;
    for (RoundSlots rs : chosen.values()) {
      for (Batch b : rs.slots()) {
        if (b != null) {
          highest = Math.max(highest, rs.round());
        }
      }
    }
    List<RoundSlots> decided = new ArrayList<>();
    for (long r = executed + 1; r <= highest; r++) {
      RoundSlots held = chosen.get(r);
      if (held == null || held.proposers() == 0) {
        // Nobody in the quorum holds anything of this round, so nothing of it was committed: it
        // becomes all no-ops, under the proposer set of a neighbouring round.
        java.util.Map.Entry<Long, RoundSlots> near = chosen.floorEntry(r);
        if (near == null) {
          near = chosen.ceilingEntry(r);
        }
        held = new RoundSlots(r, near.getValue().proposers(), view, new Batch[replicas]);
      }
      Batch[] slots = new Batch[replicas];
      for (int j = 0; j < replicas; j++) {
        if ((held.proposers() & (1 << j)) == 0) {
          continue;
        }
        Batch b = held.slots()[j];
        if (mutation == CoreMutation.NOOP_PRESENT_SLOTS && r == highest) {
          b = null;
        }
        slots[j] = b != null ? b : Batch.EMPTY;
      }
      decided.add(new RoundSlots(r, held.proposers(), view, slots));
    }
    return new StartView(view, coordinator, activeSet, highest + 1, Math.max(executed, 0), executedAt,
        List.copyOf(decided));
  }

  /**
   * Within one view tag a round has one content: every slot both copies hold is the same. A
   * mutated core (a restart without recovery, say) may break this; the simulator's checkers, not
   * this assertion, are what must catch it then.
   */
  private static boolean oneContent(RoundSlots a, RoundSlots b) {
    for (int j = 0; j < a.slots().length; j++) {
      if (a.slots()[j] != null && b.slots()[j] != null && !a.slots()[j].equals(b.slots()[j])) {
        return false;
      }
    }
    return true;
  }
}
