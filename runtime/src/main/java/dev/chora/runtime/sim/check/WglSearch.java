package dev.chora.runtime.sim.check;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Wing &amp; Gong's linearizability search with Lowe's memoisation, for one independent partition
 * of a history (the "just-in-time linearization" of Knossos and Porcupine).
 *
 * <p>An op may be linearized next iff its call precedes the first remaining return in the
 * {@link EventList} (every op that returned before it was invoked is already linearized). The
 * search is a DFS with an explicit stack, so long histories cannot overflow the thread stack.
 *
 * <p>Incomplete ops never return, so they never block another op, and the search succeeds as soon
 * as every completed op is linearized: incomplete ops left over "never took effect". Because they
 * are optional they multiply the search space, so three refinements keep it tractable, all sound
 * because using fewer / later-invoked incomplete ops can only leave more options open:
 * <ul>
 *   <li>at each configuration completed candidates are tried before incomplete ones, so configurations
 *       using fewer incomplete ops are explored first and then dominate in the {@link SearchMemo};
 *   <li>of interchangeable incomplete ops (equal {@link SequentialModel#interchangeKey}) that are
 *       both available, only the later-invoked is tried: any linearization using the earlier one can
 *       swap in the later one and use the earlier one wherever the later one was used;
 *   <li>an incomplete op must be observable by the op placed right after it (see
 *       {@link #followsUnobservedIncomplete}).
 * </ul>
 */
final class WglSearch<O extends TimedOperation, S> {

    private record Frame<S>(EventList.Event call, S stateBefore) {
    }

    private final List<O> ops;
    private final SequentialModel<O, S> model;
    private final EventList events;
    private final boolean[] completed;
    private final int[] slot; // index of op i among the completed ops, or among the incomplete ops
    private final int[] twin; // next interchangeable incomplete op in call order, or -1
    private final int[] kind; // interchangeability class of an incomplete op
    private final EventList.Event[] callOf;

    private final BitSet completedDone = new BitSet();
    private final BitSet incompleteUsed = new BitSet();
    private final int[] usedPerKind;
    private final SearchMemo memo = new SearchMemo();
    private final ArrayList<Frame<S>> stack = new ArrayList<>();
    private final List<Integer> prefix = new ArrayList<>(); // ops on the stack, for explanations
    private S state;
    private int remainingCompleted;
    private LongestPrefix<S> longest;

    private WglSearch(List<O> ops, SequentialModel<O, S> model) {
        this.ops = ops;
        this.model = model;
        this.events = new EventList(ops);
        int n = ops.size();
        completed = new boolean[n];
        slot = new int[n];
        int incompleteCount = 0;
        for (int i = 0; i < n; i++) {
            completed[i] = ops.get(i).completed();
            slot[i] = completed[i] ? remainingCompleted++ : incompleteCount++;
        }
        callOf = new EventList.Event[n];
        twin = new int[n];
        kind = new int[n];
        Map<Object, Integer> lastWithKey = new HashMap<>();
        Map<Object, Integer> kindOfKey = new HashMap<>();
        int kinds = 0;
        for (EventList.Event call : events.callsInOrder) {
            callOf[call.op] = call;
            twin[call.op] = -1;
            if (completed[call.op]) {
                continue;
            }
            Object key = model.interchangeKey(ops.get(call.op));
            if (key == null) {
                kind[call.op] = kinds++; // interchangeable with nothing: a kind of its own
                continue;
            }
            Integer previous = lastWithKey.put(key, call.op);
            if (previous != null) {
                twin[previous] = call.op;
            }
            Integer k = kindOfKey.get(key);
            if (k == null) {
                k = kinds++;
                kindOfKey.put(key, k);
            }
            kind[call.op] = k;
        }
        usedPerKind = new int[kinds];
        state = model.initial();
    }

    /** Checks one partition. The result names no key; the caller knows which partition it passed. */
    static <O extends TimedOperation, S> CheckResult search(List<O> ops, SequentialModel<O, S> model, long maxSteps) {
        return new WglSearch<>(ops, model).run(maxSteps);
    }

    private CheckResult run(long maxSteps) {
        if (remainingCompleted == 0) {
            return linearizable();
        }
        memo.visit(completedDone, state, usedPerKind);
        longest = LongestPrefix.capture(prefix, state, events);
        EventList.Event entry = events.head.next;
        boolean incompletePass = false; // false: trying completed candidates; true: incomplete ones
        EventList.Event firstReturn = null; // cached during the incomplete pass
        long steps = 0;
        while (true) {
            if (++steps > maxSteps) {
                return new CheckResult(CheckResult.Verdict.BUDGET_EXCEEDED, null, "search budget of " + maxSteps
                        + " steps exceeded on " + ops.size() + " ops; outcome unknown");
            }
            if (entry.isCall) {
                boolean eligible = completed[entry.op] != incompletePass
                        && !(incompletePass && shadowedByTwin(entry.op, firstReturn));
                if (eligible && tryLinearize(entry)) {
                    if (remainingCompleted == 0) {
                        return linearizable();
                    }
                    entry = events.head.next;
                    incompletePass = false;
                } else {
                    entry = entry.next;
                }
            } else if (!incompletePass) {
                // No completed candidate works here; now try the optional incomplete ones.
                incompletePass = true;
                firstReturn = entry;
                entry = events.head.next;
            } else {
                // The op returning here must be linearized before anything later, and cannot be: backtrack.
                if (stack.isEmpty()) {
                    return new CheckResult(CheckResult.Verdict.NOT_LINEARIZABLE, null, longest.explain(ops, model));
                }
                EventList.Event undone = backtrack();
                entry = undone.next;
                incompletePass = !completed[undone.op];
                if (incompletePass) {
                    firstReturn = events.firstReturn();
                }
            }
        }
    }

    /** Linearizes the op of {@code call} next if the model allows it and the result is unexplored. */
    private boolean tryLinearize(EventList.Event call) {
        int op = call.op;
        S next = model.step(state, ops.get(op));
        if (next == null || followsUnobservedIncomplete(op, next)) {
            return false;
        }
        mark(op, true);
        if (!memo.visit(completedDone, next, usedPerKind)) {
            mark(op, false);
            return false;
        }
        stack.add(new Frame<>(call, state));
        prefix.add(op);
        state = next;
        EventList.lift(call);
        if (prefix.size() > longest.depth()) {
            longest = LongestPrefix.capture(prefix, state, events);
        }
        return true;
    }

    /** Undoes the most recent linearization and returns its call event. */
    private EventList.Event backtrack() {
        Frame<S> top = stack.remove(stack.size() - 1);
        prefix.remove(prefix.size() - 1);
        state = top.stateBefore();
        mark(top.call().op, false);
        EventList.unlift(top.call());
        return top.call();
    }

    /** Records (or, on backtrack, forgets) that {@code op} is linearized. */
    private void mark(int op, boolean linearized) {
        if (completed[op]) {
            completedDone.set(slot[op], linearized);
            remainingCompleted += linearized ? -1 : 1;
        } else {
            incompleteUsed.set(slot[op], linearized);
            usedPerKind[kind[op]] += linearized ? 1 : -1;
        }
    }

    /**
     * True if the op on top of the stack is incomplete and placing {@code op} after it gives the same
     * state as placing {@code op} without it: the incomplete op then had no observable effect, so this
     * configuration is dominated by the parent's (which can place {@code op} directly, having used one
     * incomplete op fewer). This stops chains of timed-out writes being explored in every combination.
     */
    private boolean followsUnobservedIncomplete(int op, S next) {
        if (stack.isEmpty()) {
            return false;
        }
        Frame<S> top = stack.get(stack.size() - 1);
        if (completed[top.call().op]) {
            return false;
        }
        return next.equals(model.step(top.stateBefore(), ops.get(op)));
    }

    /** True if a later-invoked interchangeable incomplete op is unused and also available now. */
    private boolean shadowedByTwin(int op, EventList.Event firstReturn) {
        for (int t = twin[op]; t >= 0 && EventList.precedes(callOf[t], firstReturn); t = twin[t]) {
            if (!incompleteUsed.get(slot[t])) {
                return true;
            }
        }
        return false;
    }

    private CheckResult linearizable() {
        return new CheckResult(CheckResult.Verdict.LINEARIZABLE, null, ops.size() + " ops linearizable");
    }
}
