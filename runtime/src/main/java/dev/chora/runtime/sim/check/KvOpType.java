package dev.chora.runtime.sim.check;

/** The kinds of single-key operation a {@link KvOp} can record. */
public enum KvOpType {
    PUT,
    GET,
    CAS
}
