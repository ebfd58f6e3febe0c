package dev.chora.runtime.sim.check;

import java.util.List;

/**
 * Sequential specification of one key of the KV store: a register that may be absent.
 * Histories are partitioned per key before checking, so the model never looks at the key.
 */
final class KvRegisterModel implements SequentialModel<KvOp, KvRegisterModel.State> {

    static final KvRegisterModel INSTANCE = new KvRegisterModel();

    /** Register contents. A record rather than a nullable Long, because null means "impossible" to the search. */
    record State(boolean present, long value) {
        static final State ABSENT = new State(false, 0L);

        static State of(long value) {
            return new State(true, value);
        }

        @Override
        public String toString() {
            return present ? Long.toString(value) : "absent";
        }
    }

    private KvRegisterModel() {
    }

    @Override
    public State initial() {
        return State.ABSENT;
    }

    /** Incomplete ops on one key behave identically iff they agree on kind and operands. */
    @Override
    public Object interchangeKey(KvOp op) {
        return switch (op.type()) {
            case PUT -> List.of(op.type(), op.arg());
            case GET -> List.of(op.type());
            case CAS -> List.of(op.type(), op.arg(), op.expected());
        };
    }

    @Override
    public State step(State state, KvOp op) {
        switch (op.type()) {
            case PUT:
                return State.of(op.arg());
            case GET:
                if (!op.completed()) {
                    return state; // a read has no effect, and its unknown result constrains nothing
                }
                Long seen = op.result();
                boolean matches = state.present() ? seen != null && seen == state.value() : seen == null;
                return matches ? state : null;
            case CAS:
                // An absent key equals no expected value, so CAS on an absent key always fails.
                boolean swaps = state.present() && state.value() == op.expected();
                if (op.completed() && (op.result() == 1L) != swaps) {
                    return null;
                }
                return swaps ? State.of(op.arg()) : state;
            default:
                throw new IllegalStateException("unknown op type " + op.type());
        }
    }
}
