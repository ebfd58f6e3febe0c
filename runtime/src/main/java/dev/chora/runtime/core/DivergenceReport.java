package dev.chora.runtime.core;

import java.util.ArrayList;
import java.util.List;

/**
 * What divergence detection ({@link DivergenceCheck}) found at one checkpoint round: the digests of
 * the replicas' states after executing it, as far as this replica has heard them, and its verdict.
 *
 * @param round   the checkpoint round
 * @param self    the replica that reports
 * @param verdict see {@link Verdict}
 * @param digests each replica's digest of its state after {@code round}, by replica id; meaningful
 *                only for the replicas in {@code known}
 * @param known   bit mask of the replicas whose digest this replica has heard (itself included)
 */
public record DivergenceReport(long round, int self, Verdict verdict, long[] digests, int known) {
  public enum Verdict {
    /**
     * At least f+1 other replicas agree on a digest that differs from this replica's: its state is
     * not the group's. Terminal: the core takes no further input, so it neither votes nor serves.
     */
    DIVERGED,
    /** This replica's digest is a quorum's (itself included); the others named hold another one. */
    PEERS_DIVERGED,
    /** Digests differ and no digest is held by a quorum: no replica can tell which state is right. */
    UNRESOLVED
  }

  /** This replica's digest of its state after {@link #round}. */
  public long ownDigest() {
    return digests[self];
  }

  /** The replicas, among those heard, whose digest differs from this replica's. */
  public List<Integer> differing() {
    List<Integer> ids = new ArrayList<>();
    for (int k = 0; k < digests.length; k++) {
      if ((known & (1 << k)) != 0 && digests[k] != digests[self]) {
        ids.add(k);
      }
    }
    return ids;
  }

  /** The replicas, among those heard, whose digest is {@code digest}. */
  public List<Integer> holding(long digest) {
    List<Integer> ids = new ArrayList<>();
    for (int k = 0; k < digests.length; k++) {
      if ((known & (1 << k)) != 0 && digests[k] == digest) {
        ids.add(k);
      }
    }
    return ids;
  }

  /** The sentence an operator reads: what was found, what it means and what to do. */
  public String describe() {
    String cause = "the state machine is non-deterministic: its state depends on something besides the commands"
        + " (a clock read, a random number, iteration over a hash-ordered collection, the node's environment);"
        + " find and remove it";
    return switch (verdict) {
      case DIVERGED -> {
        long quorum = digests[differing().get(0)];
        for (int k : differing()) {
          if (holding(digests[k]).size() > holding(quorum).size()) {
            quorum = digests[k];
          }
        }
        yield "this replica's state diverged from the group's at round " + round + ": its digest " + hex(ownDigest())
            + ", the quorum's (replicas " + holding(quorum) + ") " + hex(quorum) + "; digests heard " + heard()
            + ". This replica has stopped and serves nothing. T" + cause.substring(1)
            + ", then restore this replica from a peer"
            + " (in durable mode move its data directory aside first, or the diverged state comes back from it;"
            + " then restart it with chora.restarted = true: it recovers the group's state by transfer)";
      }
      case PEERS_DIVERGED -> "replicas " + differing() + " hold a different state from this replica's and a quorum's"
          + " at round " + round + " (digests heard " + heard() + "): they stop when they learn it; " + cause;
      case UNRESOLVED -> "the replicas' states differ at round " + round + " and no quorum agrees on one (digests"
          + " heard " + heard() + "): no replica can tell which state is right, so they go on serving; " + cause
          + ", compare the replicas' states (chora digest) and restore the wrong ones from a right one";
    };
  }

  private String heard() {
    StringBuilder s = new StringBuilder("{");
    for (int k = 0; k < digests.length; k++) {
      if ((known & (1 << k)) != 0) {
        s.append(s.length() == 1 ? "" : ", ").append(k).append('=').append(hex(digests[k]));
      }
    }
    return s.append('}').toString();
  }

  /** As the first 16 hex digits of the SHA-256 that {@code chora digest} prints. */
  static String hex(long digest) {
    return String.format("%016x", digest);
  }
}
