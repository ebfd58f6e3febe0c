package dev.chora.runtime.config;

import java.util.Locale;

/**
 * Which active replicas put client requests in their slots. {@link #ALL} is Chora: every active
 * replica proposes its own clients' requests every round. The other two exist only as baselines
 * for comparisons (docs/protocol.md, "Baselines: single leader and rotating leaders"): the same
 * rounds, slots and commit rule, with only the batches' contents restricted, so that a benchmark
 * of the three differs in the protocol's load shape and in nothing else. Safety does not depend
 * on the policy: an empty batch is a batch like any other.
 */
public enum ProposerPolicy {
  /** Chora: every active replica proposes its clients' requests every round. */
  ALL,
  /**
   * Single leader (Multi-Paxos/Raft-like load shape): only the lowest replica id of the active set
   * proposes requests; every other replica forwards its clients' requests to it and proposes empty
   * batches, and answers its clients when it executes their requests.
   */
  LEADER,
  /**
   * Rotating leaders (Mencius-style): round r belongs to the ((r - firstRound) mod |A|)-th member
   * of the active set, in id order; only that owner proposes requests in round r, the others send
   * an empty batch (Mencius's skip) and keep their requests queued for their own turn.
   */
  ROTATING;

  /** The configuration name: {@code all}, {@code leader} or {@code rotating}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The policy named {@code name} (any case), or an exception that lists the valid names. */
  public static ProposerPolicy parse(String name) {
    for (ProposerPolicy p : values()) {
      if (p.configName().equalsIgnoreCase(name == null ? "" : name.trim())) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown proposer policy \"" + name + "\": use all (Chora, the default),"
        + " leader (single-leader baseline) or rotating (Mencius-style baseline)");
  }

  /**
   * Whether {@code replica} may put requests in its slot of {@code round} in a view with this
   * {@code activeSet} (bit mask) whose first round is {@code firstRound}.
   */
  public boolean mayPropose(int replica, long round, int activeSet, long firstRound) {
    if ((activeSet & (1 << replica)) == 0) {
      return false;
    }
    return switch (this) {
      case ALL -> true;
      case LEADER -> replica == leader(activeSet);
      case ROTATING -> replica == owner(round, activeSet, firstRound);
    };
  }

  /** The single leader of a view: the lowest replica id of its active set. */
  public static int leader(int activeSet) {
    return Integer.numberOfTrailingZeros(activeSet);
  }

  /** The owner of {@code round} under {@link #ROTATING}: the ((round - firstRound) mod |A|)-th member of A. */
  public static int owner(long round, int activeSet, long firstRound) {
    int members = Integer.bitCount(activeSet);
    long index = Math.floorMod(round - firstRound, (long) members);
    int set = activeSet;
    for (long i = 0; i < index; i++) {
      set &= set - 1; // drop the lowest member
    }
    return Integer.numberOfTrailingZeros(set);
  }
}
