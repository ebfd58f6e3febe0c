package dev.chora.runtime.sim.check;

import java.util.Objects;

/**
 * Outcome of a linearizability check.
 *
 * @param verdict     the verdict
 * @param key         for NOT_LINEARIZABLE / BUDGET_EXCEEDED, the key whose history failed; else null
 * @param explanation human-readable detail for test failure messages
 */
public record CheckResult(Verdict verdict, String key, String explanation) {

    public enum Verdict {
        LINEARIZABLE,
        NOT_LINEARIZABLE,
        /** The search gave up; the history may or may not be linearizable, so this is never a pass. */
        BUDGET_EXCEEDED
    }

    public CheckResult {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(explanation, "explanation");
    }

    public boolean isLinearizable() {
        return verdict == Verdict.LINEARIZABLE;
    }

    /** Names the failing key; the search itself only sees one anonymous partition. */
    CheckResult withKey(String newKey) {
        return new CheckResult(verdict, newKey, "key '" + newKey + "': " + explanation);
    }
}
