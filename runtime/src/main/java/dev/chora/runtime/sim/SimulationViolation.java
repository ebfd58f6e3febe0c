package dev.chora.runtime.sim;

import dev.chora.runtime.config.ProposerPolicy;
import dev.chora.runtime.core.CoreMutation;

/**
 * An invariant the simulator found broken, with what is needed to replay it: the seed, N, and the
 * deliberate bug the cores ran with ({@link CoreMutation#NONE} outside the mutation tests).
 */
public record SimulationViolation(long seed, int replicas, Invariant invariant, long atNanos, String detail,
    CoreMutation mutation, boolean durable, ProposerPolicy proposers) {
  public enum Invariant { AGREEMENT, VALIDITY, EXACTLY_ONCE, LINEARIZABILITY, LIVENESS, BOUNDED_LOG, BOUNDED_MESSAGE,
    /** Divergence detection stopped or reported a replica whose state did not diverge. */
    DIVERGENCE,
    /** Durable mode: a round executed before more than f replicas crashed at once came back different, or not at all. */
    DURABILITY,
    /** A proposer policy's baseline (leader, rotating): a replica put requests in a slot the policy gives to no one but another. */
    PROPOSER }

  /** The one command that replays this run exactly. */
  public String replayCommand() {
    return "mvn -q -pl runtime test -Dtest=SimulationReplayTest -Dchora.sim.replay=" + seed + ":" + replicas
        + (durable ? " -Dchora.sim.durable=true" : "")
        + (proposers == ProposerPolicy.ALL ? "" : " -Dchora.sim.proposers=" + proposers.configName())
        + (mutation == CoreMutation.NONE ? "" : " -Dchora.sim.mutation=" + mutation.name());
  }

  @Override
  public String toString() {
    return invariant + " violated in seed " + seed + " (N=" + replicas + (durable ? ", durable" : "") + ")"
        + (proposers == ProposerPolicy.ALL ? "" : " with proposers " + proposers.configName())
        + (mutation == CoreMutation.NONE ? "" : " with mutation " + mutation.name()) + " at t=" + atNanos + "ns: " + detail
        + "\n  replay: " + replayCommand();
  }
}
