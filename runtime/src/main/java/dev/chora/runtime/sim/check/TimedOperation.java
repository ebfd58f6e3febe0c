package dev.chora.runtime.sim.check;

/**
 * What the linearizability search needs to know about an operation's real-time interval.
 * Kept separate from the KV specifics so the search does not depend on the register model.
 */
interface TimedOperation {

    long invokedAt();

    /** Only meaningful when {@link #completed()}; an incomplete operation never returns. */
    long completedAt();

    /** False when the outcome is unknown (e.g. a timeout): the op may take effect after invocation, or never. */
    boolean completed();
}
