package dev.chora.runtime.sim.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Compares the checker with a naive exhaustive search on many tiny random histories. The checker's
 * pruning (memo dominance, interchangeable and unobservable timed-out ops) is subtle; this catches
 * any pruning that rejects a linearizable history or accepts a non-linearizable one.
 */
class BruteForceCrossCheckTest {

    @Test
    void agreesWithExhaustiveSearchOnSmallHistories() {
        Random random = new Random(42);
        int linearizable = 0;
        int cases = 4_000;
        for (int c = 0; c < cases; c++) {
            List<KvOp> history = randomHistory(random);
            boolean expected = bruteForce(history, new boolean[history.size()], null, countCompleted(history));
            CheckResult result = LinearizabilityChecker.check(history);
            assertEquals(expected, result.isLinearizable(), () -> "case " + history + " -> " + result);
            linearizable += expected ? 1 : 0;
        }
        // Guard against a generator that only produces one kind of history, which would test little.
        assertTrue(linearizable > cases / 5 && linearizable < cases * 4 / 5, "linearizable cases: " + linearizable);
    }

    /** Up to 8 ops on one key, tiny value domain and time range so that overlaps and collisions abound. */
    private static List<KvOp> randomHistory(Random random) {
        int size = 2 + random.nextInt(7);
        List<KvOp> ops = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            long inv = random.nextInt(20);
            long comp = inv + random.nextInt(8);
            long value = 1 + random.nextInt(2);
            long expected = 1 + random.nextInt(2);
            boolean completed = random.nextInt(4) != 0;
            int type = random.nextInt(3);
            KvOp op;
            if (!completed) {
                op = type == 0 ? KvOp.unknownPut(i, "x", value, inv) : KvOp.unknownCas(i, "x", expected, value, inv);
            } else if (type == 0) {
                op = KvOp.put(i, "x", value, inv, comp);
            } else if (type == 1) {
                op = KvOp.get(i, "x", random.nextInt(3) == 0 ? null : value, inv, comp);
            } else {
                op = KvOp.cas(i, "x", expected, value, random.nextBoolean(), inv, comp);
            }
            ops.add(op);
        }
        return ops;
    }

    private static int countCompleted(List<KvOp> history) {
        return (int) history.stream().filter(KvOp::completed).count();
    }

    /**
     * Tries every order: an op may go next once every completed op that returned strictly before its
     * invocation is placed; incomplete ops may also never be placed. Independent of the checker's model.
     */
    private static boolean bruteForce(List<KvOp> ops, boolean[] placed, Long value, int completedLeft) {
        if (completedLeft == 0) {
            return true;
        }
        for (int i = 0; i < ops.size(); i++) {
            if (placed[i] || !mayGoNext(ops, placed, i)) {
                continue;
            }
            KvOp op = ops.get(i);
            Long next = value;
            switch (op.type()) {
                case PUT -> next = op.arg();
                case GET -> {
                    if (op.completed() && !Objects.equals(op.result(), value)) {
                        continue;
                    }
                }
                case CAS -> {
                    boolean swaps = value != null && value == op.expected();
                    if (op.completed() && (op.result() == 1L) != swaps) {
                        continue;
                    }
                    next = swaps ? Long.valueOf(op.arg()) : value;
                }
            }
            placed[i] = true;
            boolean ok = bruteForce(ops, placed, next, completedLeft - (op.completed() ? 1 : 0));
            placed[i] = false;
            if (ok) {
                return true;
            }
        }
        return false;
    }

    private static boolean mayGoNext(List<KvOp> ops, boolean[] placed, int candidate) {
        for (int j = 0; j < ops.size(); j++) {
            KvOp other = ops.get(j);
            if (!placed[j] && j != candidate && other.completed()
                    && other.completedAt() < ops.get(candidate).invokedAt()) {
                return false;
            }
        }
        return true;
    }
}
