package dev.chora.runtime.sim.check;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowe's memo of search configurations already explored, refined for incomplete ops.
 *
 * <p>A configuration is (completed ops linearized, model state, incomplete ops used). Two refinements
 * over a plain (BitSet, state) memo, both because incomplete ops are optional and never return:
 * <ul>
 *   <li>Incomplete ops are described by how many of each interchangeable kind were used, not which:
 *       every used op was invoked before the first remaining return, which only moves forward, so all
 *       used and unused ops of a kind that are available now stay interchangeable from here on.
 *   <li>Using <em>fewer</em> incomplete ops can only leave more options, so a configuration is
 *       dominated by an explored one with the same completed set and state whose per-kind counts are
 *       all &lt;= its own.
 * </ul>
 * Pruning dominated configurations avoids an exponential blow-up over timed-out writes, which chaos
 * runs produce in bulk. With no incomplete ops this is exactly the plain (BitSet, state) memo.
 */
final class SearchMemo {

    private record Key(BitSet completedDone, Object state) {
    }

    /** Per (completed set, state): an antichain of used-per-kind count vectors already explored. */
    private final Map<Key, List<int[]>> explored = new HashMap<>();

    /**
     * Records the configuration and returns true if it is new, or returns false if it is dominated by
     * one already explored (so exploring it cannot find anything new).
     */
    boolean visit(BitSet completedDone, Object state, int[] usedPerKind) {
        List<int[]> seenCounts = explored.get(new Key(completedDone, state));
        if (seenCounts == null) {
            seenCounts = new ArrayList<>(1);
            explored.put(new Key((BitSet) completedDone.clone(), state), seenCounts);
        } else {
            for (int[] seen : seenCounts) {
                if (atMost(seen, usedPerKind)) {
                    return false;
                }
            }
            // Entries the new one dominates are now redundant; keeping an antichain keeps scans short.
            seenCounts.removeIf(seen -> atMost(usedPerKind, seen));
        }
        seenCounts.add(usedPerKind.clone());
        return true;
    }

    private static boolean atMost(int[] small, int[] big) {
        for (int i = 0; i < small.length; i++) {
            if (small[i] > big[i]) {
                return false;
            }
        }
        return true;
    }
}
