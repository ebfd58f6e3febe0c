package dev.chora.runtime.sim.check;

/**
 * The sequential specification a concurrent history is checked against.
 *
 * <p>States must be immutable and have value-based {@code equals}/{@code hashCode}: the search
 * memoises states, so two equal states must be interchangeable.
 *
 * @param <O> operation type
 * @param <S> state type (never null; null is reserved for "impossible")
 */
interface SequentialModel<O, S> {

    S initial();

    /**
     * Applies {@code op} to {@code state}. Returns the next state, or null if the op's recorded
     * result cannot be produced from {@code state}. For an incomplete op the result is unknown, so
     * the model must not constrain it (it only applies the op's effect).
     */
    S step(S state, O op);

    /**
     * Optional search-space reduction: a non-null key for an incomplete op such that any two incomplete
     * ops with equal keys have identical {@link #step} behaviour from every state. The search then
     * treats them as interchangeable. Null (the default) disables this for the op.
     */
    default Object interchangeKey(O op) {
        return null;
    }

    /** Renders a state for failure explanations. */
    default String describe(S state) {
        return String.valueOf(state);
    }
}
