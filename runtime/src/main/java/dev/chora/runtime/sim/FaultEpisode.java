package dev.chora.runtime.sim;

/**
 * One fault of the faulty phase, on the replicas in {@code replicas} (a bit mask), from
 * {@code start} to {@code end} in simulated time. An episode only begins if it keeps the number
 * of faulty replicas at or below f.
 */
record FaultEpisode(Kind kind, int replicas, long start, long end) {
  enum Kind {
    /** Crash: the replica stops; at the end it restarts with its state lost and must recover. */
    CRASH,
    /** A long pause (as in a GC pause): events wait; at the end it resumes with stale state. */
    PAUSE,
    /** The replicas are cut off from the others, both ways. */
    ISOLATE,
    /** The replicas' messages to the others are lost; the others' messages still arrive. */
    MUTE,
    /** The others' messages to the replicas are lost; theirs still go out. */
    DEAFEN,
    /** Isolation that comes and goes every few round timeouts. */
    FLAP
  }
}
