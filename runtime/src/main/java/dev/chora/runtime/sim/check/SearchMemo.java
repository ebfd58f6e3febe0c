package dev.chora.runtime.sim.check;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowe's memo of search configurations already explored, with one refinement for incomplete ops.
 *
 * <p>A configuration is (completed ops linearized, model state, incomplete ops linearized). Plain
 * memoisation keys on all three. But incomplete ops are optional and never constrain real-time
 * order (they never return), so having used <em>fewer</em> of them can only leave more options: a
 * configuration is dominated by an explored one with the same completed set and state whose
 * used-incomplete set is a subset of its own. Pruning dominated configurations avoids a 2^k
 * blow-up over k timed-out writes, which chaos runs produce in bulk. With no incomplete ops this
 * is exactly the plain (BitSet, state) memo.
 */
final class SearchMemo {

    private record Key(BitSet completedDone, Object state) {
    }

    /** Per (completed set, state): an antichain of used-incomplete sets already explored. */
    private final Map<Key, List<BitSet>> explored = new HashMap<>();

    /**
     * Records the configuration and returns true if it is new, or returns false if it is dominated by
     * one already explored (so exploring it again cannot find anything new).
     */
    boolean visit(BitSet completedDone, Object state, BitSet incompleteUsed) {
        List<BitSet> usedSets = explored.get(new Key(completedDone, state));
        if (usedSets == null) {
            usedSets = new ArrayList<>(1);
            explored.put(new Key((BitSet) completedDone.clone(), state), usedSets);
        } else {
            for (BitSet seen : usedSets) {
                if (isSubset(seen, incompleteUsed)) {
                    return false;
                }
            }
            // Entries the new one dominates are now redundant; keeping an antichain keeps scans short.
            usedSets.removeIf(seen -> isSubset(incompleteUsed, seen));
        }
        usedSets.add((BitSet) incompleteUsed.clone());
        return true;
    }

    private static boolean isSubset(BitSet small, BitSet big) {
        for (int i = small.nextSetBit(0); i >= 0; i = small.nextSetBit(i + 1)) {
            if (!big.get(i)) {
                return false;
            }
        }
        return true;
    }
}
