package dev.chora.runtime.sim;

/**
 * One fault of the faulty phase, on the replicas in {@code replicas} (a bit mask), from
 * {@code start} to {@code end} in simulated time. An episode only begins if it keeps the number
 * of faulty replicas at or below f. {@code lagNanos} is the inbound delay of a {@link Kind#LAG}.
 */
record FaultEpisode(Kind kind, int replicas, long start, long end, long lagNanos) {
  FaultEpisode(Kind kind, int replicas, long start, long end) {
    this(kind, replicas, start, end, 0);
  }

  /** The kinds drawn for the seed's fault episodes, in the order the draws index (LAG has draws of its own). */
  static final Kind[] DRAWN = {Kind.CRASH, Kind.PAUSE, Kind.ISOLATE, Kind.MUTE, Kind.DEAFEN, Kind.FLAP};

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
    FLAP,
    /**
     * Every message to the replicas arrives lagNanos late, tens of round timeouts: an overloaded
     * host or a thread starved for the CPU, whose inbound queue runs seconds behind while it is
     * heard from all along. Such a replica falls out of the active set and must catch up and rejoin
     * without unsettling the group.
     */
    LAG,
    /**
     * Durable mode only: more than f replicas — every one, or f+1 — crash at once (a power cut, a
     * redeploy) and restart from their disks at the end. Nothing they acknowledged may be lost.
     */
    OUTAGE,
    /**
     * Durable mode only: the replica's disk fills: appends and syncs fail, so it stops
     * acknowledging. At the end space is freed and the replica is restarted, as an operator would.
     */
    DISK_FULL
  }
}
