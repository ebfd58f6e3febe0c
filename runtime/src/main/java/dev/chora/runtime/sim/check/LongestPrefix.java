package dev.chora.runtime.sim.check;

import java.util.ArrayList;
import java.util.List;

/**
 * Snapshot of the longest linearizable prefix the search reached, kept to explain a failure.
 * Only the tail of the prefix is stored, since that is all the explanation prints.
 */
record LongestPrefix<S>(int depth, List<Integer> tail, S state, List<Integer> candidates, int mustPrecede) {

    /** How many ops of a list to print; the rest are elided to keep messages readable. */
    static final int SHOWN = 8;

    /** @param prefix ops linearized so far, in order (indexes into the partition's ops) */
    static <S> LongestPrefix<S> capture(List<Integer> prefix, S state, EventList events) {
        List<Integer> tail = new ArrayList<>(prefix.subList(Math.max(0, prefix.size() - SHOWN), prefix.size()));
        List<Integer> candidates = new ArrayList<>();
        EventList.Event e = events.head.next;
        while (e != null && e.isCall) {
            candidates.add(e.op);
            e = e.next;
        }
        return new LongestPrefix<>(prefix.size(), tail, state, candidates, e == null ? -1 : e.op);
    }

    <O> String explain(List<O> ops, SequentialModel<O, S> model) {
        StringBuilder sb = new StringBuilder("not linearizable (").append(ops.size()).append(" ops). ");
        sb.append("Longest linearizable prefix has ").append(depth).append(" ops");
        sb.append(depth > tail.size() ? ", ending ..." : ": ");
        sb.append(render(ops, tail)).append(" -> state ").append(model.describe(state)).append(". ");
        sb.append("No candidate extends it to a full linearization: ").append(render(ops, candidates));
        if (mustPrecede >= 0) {
            sb.append("; ").append(ops.get(mustPrecede)).append(" must take effect before it returns");
        }
        return sb.toString();
    }

    private static <O> String render(List<O> ops, List<Integer> indexes) {
        StringBuilder sb = new StringBuilder("[");
        int shown = Math.min(indexes.size(), SHOWN);
        for (int i = 0; i < shown; i++) {
            sb.append(i == 0 ? "" : ", ").append(ops.get(indexes.get(i)));
        }
        if (shown < indexes.size()) {
            sb.append(", +").append(indexes.size() - shown).append(" more");
        }
        return sb.append(']').toString();
    }
}
