package dev.chora.runtime.sim.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Checks that a history of single-key KV operations is linearizable.
 *
 * <p>Linearizability is compositional (P-compositionality for per-key ops), so the history is split
 * per key and each key is checked alone with {@link WglSearch}; this keeps the search space the
 * product of small per-key spaces rather than one huge space.
 */
public final class LinearizabilityChecker {

    /** Per-key step budget: generous for realistic simulator histories, but bounds pathological ones. */
    public static final long DEFAULT_MAX_SEARCH_STEPS = 10_000_000L;

    private LinearizabilityChecker() {
    }

    public static CheckResult check(List<KvOp> history) {
        return check(history, DEFAULT_MAX_SEARCH_STEPS);
    }

    /**
     * @param maxSearchSteps budget per key; if a key needs more, the result is BUDGET_EXCEEDED
     *                       (never LINEARIZABLE) unless another key is definitely NOT_LINEARIZABLE.
     */
    public static CheckResult check(List<KvOp> history, long maxSearchSteps) {
        Objects.requireNonNull(history, "history");
        if (maxSearchSteps <= 0) {
            throw new IllegalArgumentException("maxSearchSteps must be positive, got " + maxSearchSteps);
        }
        CheckResult undecided = null;
        for (Map.Entry<String, List<KvOp>> partition : partitionByKey(history).entrySet()) {
            CheckResult result = WglSearch.search(partition.getValue(), KvRegisterModel.INSTANCE, maxSearchSteps);
            if (result.verdict() == CheckResult.Verdict.NOT_LINEARIZABLE) {
                return result.withKey(partition.getKey()); // a definite violation beats an undecided key
            }
            if (result.verdict() == CheckResult.Verdict.BUDGET_EXCEEDED && undecided == null) {
                undecided = result.withKey(partition.getKey());
            }
        }
        if (undecided != null) {
            return undecided;
        }
        return new CheckResult(CheckResult.Verdict.LINEARIZABLE, null,
                history.size() + " ops linearizable");
    }

    /** Sorted by key so that which failing key is reported does not depend on hash order. */
    private static Map<String, List<KvOp>> partitionByKey(List<KvOp> history) {
        Map<String, List<KvOp>> byKey = new TreeMap<>();
        for (KvOp op : history) {
            Objects.requireNonNull(op, "history contains a null op");
            if (op.type() == KvOpType.GET && !op.completed()) {
                continue; // an unanswered read has no effect and constrains nothing
            }
            byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        }
        return byKey;
    }
}
