package dev.chora.runtime.sim;

/** An invariant the simulator found broken, with what is needed to replay it. */
public record SimulationViolation(long seed, int replicas, Invariant invariant, long atNanos, String detail) {
  public enum Invariant { AGREEMENT, VALIDITY, EXACTLY_ONCE, LINEARIZABILITY, LIVENESS, BOUNDED_LOG, BOUNDED_MESSAGE }

  /** The one command that replays this run exactly. */
  public String replayCommand() {
    return "mvn -q -pl runtime test -Dtest=SimulationReplayTest -Dchora.sim.replay=" + seed + ":" + replicas;
  }

  @Override
  public String toString() {
    return invariant + " violated in seed " + seed + " (N=" + replicas + ") at t=" + atNanos + "ns: " + detail
        + "\n  replay: " + replayCommand();
  }
}
