package dev.chora.runtime.sim.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * WGL's doubly-linked list of call and return events sorted by time. Linearizing an op unlinks its
 * call and return; backtracking relinks them. Both are O(1) because undo happens in LIFO order.
 */
final class EventList {

    static final class Event {
        final int op; // index into the partition's ops; -1 for the head
        final boolean isCall;
        final long time;
        final int rank; // tie-break at equal time: calls, then returns, then never-returns
        Event match; // a call's return event
        Event prev;
        Event next;

        Event(int op, boolean isCall, long time, int rank) {
            this.op = op;
            this.isCall = isCall;
            this.time = time;
            this.rank = rank;
        }
    }

    /** Sentinel before the first event, so unlinking never needs a null check on prev. */
    final Event head = new Event(-1, false, Long.MIN_VALUE, -1);

    /** Calls in list order; handy for precomputation before any op is linearized. */
    final List<Event> callsInOrder = new ArrayList<>();

    EventList(List<? extends TimedOperation> ops) {
        List<Event> events = new ArrayList<>(2 * ops.size());
        for (int i = 0; i < ops.size(); i++) {
            TimedOperation op = ops.get(i);
            Event call = new Event(i, true, op.invokedAt(), 0);
            // An incomplete op never returns: its return sits after everything, so it never blocks others.
            Event ret = op.completed()
                    ? new Event(i, false, op.completedAt(), 1)
                    : new Event(i, false, Long.MAX_VALUE, 2);
            call.match = ret;
            events.add(call);
            events.add(ret);
        }
        // Calls sort before returns at equal times: touching intervals count as concurrent, so clock
        // granularity can never manufacture a violation.
        events.sort(Comparator.<Event>comparingLong(e -> e.time).thenComparingInt(e -> e.rank));
        Event last = head;
        for (Event e : events) {
            last.next = e;
            e.prev = last;
            last = e;
            if (e.isCall) {
                callsInOrder.add(e);
            }
        }
    }

    /**
     * The earliest remaining return. Only ops whose calls precede it may be linearized next. Never
     * null while some op is unlinearized, because every remaining call is followed by its return.
     */
    Event firstReturn() {
        Event e = head.next;
        while (e != null && e.isCall) {
            e = e.next;
        }
        return e;
    }

    /** True if {@code call} precedes the first remaining return {@code firstReturn}. */
    static boolean precedes(Event call, Event firstReturn) {
        return call.time < firstReturn.time || (call.time == firstReturn.time && call.rank < firstReturn.rank);
    }

    /** Unlinks a call and its return. A call always precedes its return, so both have a prev. */
    static void lift(Event call) {
        call.prev.next = call.next;
        call.next.prev = call.prev;
        Event ret = call.match;
        ret.prev.next = ret.next;
        if (ret.next != null) {
            ret.next.prev = ret.prev;
        }
    }

    /** Exact inverse of {@link #lift}; valid because lifts are undone in LIFO order. */
    static void unlift(Event call) {
        Event ret = call.match;
        ret.prev.next = ret;
        if (ret.next != null) {
            ret.next.prev = ret;
        }
        call.prev.next = call;
        call.next.prev = call;
    }
}
