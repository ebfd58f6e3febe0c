package dev.chora.runtime.sim.check;

import static dev.chora.runtime.sim.check.KvOp.cas;
import static dev.chora.runtime.sim.check.KvOp.get;
import static dev.chora.runtime.sim.check.KvOp.getAbsent;
import static dev.chora.runtime.sim.check.KvOp.put;
import static dev.chora.runtime.sim.check.KvOp.unknownCas;
import static dev.chora.runtime.sim.check.KvOp.unknownGet;
import static dev.chora.runtime.sim.check.KvOp.unknownPut;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.runtime.sim.check.CheckResult.Verdict;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinearizabilityCheckerTest {

    private static void assertLinearizable(List<KvOp> history) {
        CheckResult result = LinearizabilityChecker.check(history);
        assertTrue(result.isLinearizable(), () -> "expected linearizable, got " + result);
        assertEquals(Verdict.LINEARIZABLE, result.verdict());
    }

    private static CheckResult assertViolation(String key, List<KvOp> history) {
        CheckResult result = LinearizabilityChecker.check(history);
        assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict(), () -> "expected a violation, got " + result);
        assertFalse(result.isLinearizable());
        assertEquals(key, result.key(), result::explanation);
        return result;
    }

    // ---- linearizable histories ----

    @Test
    void emptyHistory() {
        assertLinearizable(List.of());
    }

    @Test
    void sequentialHistory() {
        assertLinearizable(List.of(
                getAbsent(1, "x", 0, 1),
                put(1, "x", 1, 2, 3),
                get(2, "x", 1L, 4, 5),
                cas(1, "x", 1, 2, true, 6, 7),
                cas(2, "x", 1, 3, false, 8, 9),
                get(1, "x", 2L, 10, 11)));
    }

    @Test
    void overlappingWritesLetConcurrentReadSeeEither() {
        for (long seen : new long[] {1, 2}) {
            assertLinearizable(List.of(
                    put(1, "x", 1, 0, 10),
                    put(2, "x", 2, 5, 15),
                    get(3, "x", seen, 6, 20)));
        }
    }

    @Test
    void readConcurrentWithWriteSeesOldOrNew() {
        for (long seen : new long[] {1, 2}) {
            assertLinearizable(List.of(
                    put(1, "x", 1, 0, 10),
                    put(1, "x", 2, 20, 40),
                    get(2, "x", seen, 25, 30)));
        }
    }

    @Test
    void readConcurrentWithFirstWriteMaySeeAbsent() {
        assertLinearizable(List.of(
                put(1, "x", 1, 0, 10),
                getAbsent(2, "x", 5, 15),
                get(3, "x", 1L, 5, 15)));
    }

    @Test
    void concurrentCasesOneWinsOneFails() {
        assertLinearizable(List.of(
                put(1, "x", 1, 0, 10),
                cas(2, "x", 1, 2, true, 20, 30),
                cas(3, "x", 1, 3, false, 20, 30),
                get(1, "x", 2L, 40, 50)));
    }

    @Test
    void touchingIntervalsCountAsConcurrent() {
        // Equal timestamps cannot order two ops, so clock granularity never produces a violation.
        assertLinearizable(List.of(put(1, "x", 1, 0, 10), getAbsent(2, "x", 10, 20)));
    }

    // ---- classic violations ----

    @Test
    void absentReadAfterCompletedWrite() {
        assertViolation("x", List.of(put(1, "x", 1, 0, 10), getAbsent(2, "x", 20, 30)));
    }

    @Test
    void lostWriteStaleReadAfterNewerWriteCompleted() {
        CheckResult result = assertViolation("x", List.of(
                put(1, "x", 1, 0, 10),
                put(2, "x", 2, 20, 30),
                get(3, "x", 1L, 40, 50)));
        // The explanation must point at the op that could not be placed.
        assertTrue(result.explanation().contains("c3 GET(x)=1 [40,50]"), result.explanation());
    }

    @Test
    void readOfValueNeverWritten() {
        assertViolation("x", List.of(put(1, "x", 1, 0, 10), get(2, "x", 7L, 5, 30)));
    }

    @Test
    void readsObserveWritesInContradictoryOrders() {
        assertViolation("x", List.of(
                put(1, "x", 1, 0, 100),
                put(2, "x", 2, 0, 100),
                get(3, "x", 1L, 10, 20),
                get(3, "x", 2L, 30, 40),
                get(4, "x", 2L, 10, 20),
                get(4, "x", 1L, 30, 40)));
    }

    @Test
    void readGoesBackwardsAfterConcurrentWritesSettle() {
        assertViolation("x", List.of(
                put(1, "x", 1, 0, 10),
                put(2, "x", 2, 5, 15),
                get(3, "x", 2L, 20, 25),
                get(3, "x", 1L, 30, 35)));
    }

    @Test
    void casSuccessWithWrongExpectedValue() {
        assertViolation("x", List.of(put(1, "x", 1, 0, 10), cas(2, "x", 2, 3, true, 20, 30)));
    }

    @Test
    void casSuccessOnAbsentKey() {
        assertViolation("x", List.of(cas(1, "x", 0, 3, true, 0, 10)));
    }

    @Test
    void twoConcurrentCasesCannotBothWin() {
        assertViolation("x", List.of(
                put(1, "x", 1, 0, 10),
                cas(2, "x", 1, 2, true, 20, 30),
                cas(3, "x", 1, 3, true, 20, 30)));
    }

    @Test
    void casFailureWhenItMustHaveSwapped() {
        assertViolation("x", List.of(put(1, "x", 1, 0, 10), cas(2, "x", 1, 2, false, 20, 30)));
    }

    // ---- incomplete operations ----

    @Test
    void unknownPutMayExplainLaterRead() {
        assertLinearizable(List.of(unknownPut(1, "x", 5, 10), get(2, "x", 5L, 20, 30)));
    }

    @Test
    void unknownPutMayNeverHappen() {
        assertLinearizable(List.of(
                put(1, "x", 1, 0, 5),
                unknownPut(2, "x", 5, 10),
                get(3, "x", 1L, 20, 30),
                get(3, "x", 1L, 1_000, 1_001)));
    }

    @Test
    void unknownPutMayTakeEffectLongAfterInvocation() {
        assertLinearizable(List.of(
                put(1, "x", 1, 0, 5),
                unknownPut(2, "x", 5, 10),
                get(3, "x", 1L, 20, 30),
                get(3, "x", 5L, 40, 50)));
    }

    @Test
    void unknownPutTakesEffectAtMostOnce() {
        assertViolation("x", List.of(
                put(1, "x", 1, 0, 5),
                unknownPut(2, "x", 5, 10),
                get(3, "x", 5L, 20, 30),
                put(1, "x", 1, 40, 50),
                get(3, "x", 5L, 60, 70)));
    }

    @Test
    void unknownOpCannotTakeEffectBeforeInvocation() {
        assertViolation("x", List.of(get(1, "x", 5L, 0, 10), unknownPut(2, "x", 5, 20)));
    }

    @Test
    void unknownCasMayOrMayNotSwap() {
        assertLinearizable(List.of(put(1, "x", 1, 0, 10), unknownCas(2, "x", 1, 2, 20), get(3, "x", 2L, 30, 40)));
        assertLinearizable(List.of(put(1, "x", 1, 0, 10), unknownCas(2, "x", 1, 2, 20), get(3, "x", 1L, 30, 40)));
    }

    @Test
    void unknownCasCannotSwapFromWrongValue() {
        assertViolation("x", List.of(put(1, "x", 1, 0, 10), unknownCas(2, "x", 3, 2, 20), get(3, "x", 2L, 30, 40)));
    }

    @Test
    void unknownReadsAreIgnored() {
        assertLinearizable(List.of(unknownGet(1, "x", 0), unknownPut(2, "y", 1, 0)));
        assertViolation("x", List.of(unknownGet(1, "x", 0), put(1, "x", 1, 0, 10), getAbsent(2, "x", 20, 30)));
    }

    // ---- per-key independence ----

    @Test
    void keysAreIndependentRegisters() {
        assertLinearizable(List.of(
                put(1, "x", 1, 0, 10),
                put(2, "y", 2, 0, 10),
                get(1, "x", 1L, 20, 30),
                get(2, "y", 2L, 20, 30),
                getAbsent(3, "z", 20, 30)));
    }

    @Test
    void valueWrittenToOneKeyIsNotVisibleOnAnother() {
        assertViolation("y", List.of(put(1, "x", 7, 0, 10), get(2, "y", 7L, 20, 30)));
    }

    @Test
    void failingKeyIsNamedAmongHealthyOnes() {
        CheckResult result = assertViolation("b", List.of(
                put(1, "a", 1, 0, 10), get(2, "a", 1L, 20, 30),
                put(1, "b", 1, 0, 10), put(1, "b", 2, 20, 30), get(2, "b", 1L, 40, 50),
                put(1, "c", 1, 0, 10), get(2, "c", 1L, 20, 30)));
        assertTrue(result.explanation().startsWith("key 'b'"), result.explanation());
    }

    // ---- budget ----

    @Test
    void exhaustedBudgetIsNeverLinearizable() {
        List<KvOp> history = RandomHistories.generate(7, new RandomHistories.Shape(200, 5, 1, 3, 0.05));
        assertTrue(LinearizabilityChecker.check(history).isLinearizable());
        CheckResult result = LinearizabilityChecker.check(history, 10);
        assertEquals(Verdict.BUDGET_EXCEEDED, result.verdict(), result::toString);
        assertFalse(result.isLinearizable());
        assertEquals("k0", result.key());
    }

    @Test
    void definiteViolationIsReportedOverExhaustedBudget() {
        // Key "k0" (checked first) needs far more than 20 steps; key "z" is refuted within 20.
        List<KvOp> history = new ArrayList<>(
                RandomHistories.generate(7, new RandomHistories.Shape(200, 5, 1, 3, 0.05)));
        history.add(put(1, "z", 1, 0, 10));
        history.add(getAbsent(2, "z", 20, 30));
        CheckResult result = LinearizabilityChecker.check(history, 20);
        assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict(), result::toString);
        assertEquals("z", result.key());
    }
}
