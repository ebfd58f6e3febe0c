package dev.chora.runtime.sim;

import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.Request;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The invariants checked after every step of a run, across crashes, view changes and state
 * transfers:
 * <ul>
 *   <li>agreement — every replica executes rounds consecutively, each round's slots in id order,
 *       and the same slot content, the same proposer set and the same resulting state (digest) at
 *       every round; a snapshot installed at round r must equal the state others had after r. So a
 *       committed request is never lost or changed, whatever view changes happen;
 *   <li>validity — only requests some client submitted are applied, with their exact bytes;
 *   <li>exactly-once — a request is applied at one log position only, on every replica.
 * </ul>
 * Each method returns a description of the first violation, or null.
 */
final class SafetyChecker {
  private final Map<Long, Batch> decided = new HashMap<>();
  private final Map<Long, Integer> roundProposers = new HashMap<>();
  private final Map<Long, Long> roundDigests = new HashMap<>();
  private final Map<Long, byte[]> submitted = new HashMap<>();
  private final Map<Long, Long> appliedAt = new HashMap<>();
  private final long[] lastRound;
  private final int[] lastProposer;
  private final int[] roundMask;
  private long highestAppliedRound;

  SafetyChecker(int replicas) {
    this.lastRound = new long[replicas];
    this.lastProposer = new int[replicas];
    this.roundMask = new int[replicas];
    Arrays.fill(lastProposer, -1);
  }

  static long requestKey(long clientId, long seq) {
    return (clientId << 32) ^ seq;
  }

  /** A replica restarted with its state lost: it starts again from nothing. */
  void restarted(int replica) {
    lastRound[replica] = 0;
    lastProposer[replica] = -1;
    roundMask[replica] = 0;
  }

  void submitted(Request request) {
    submitted.putIfAbsent(requestKey(request.clientId(), request.seq()), request.command());
  }

  String executed(int replica, long round, int proposer, Batch batch) {
    if (round != lastRound[replica] + 1 || proposer <= lastProposer[replica]) {
      return "replica " + replica + " executed slot (" + round + "," + proposer + ") after round " + lastRound[replica]
          + (lastProposer[replica] >= 0 ? " slot " + lastProposer[replica] + " of round " + (lastRound[replica] + 1) : "");
    }
    lastProposer[replica] = proposer;
    roundMask[replica] |= 1 << proposer;
    Batch first = decided.putIfAbsent(round * 16 + proposer, batch);
    if (first != null && !first.equals(batch)) {
      return "replica " + replica + " executed " + describe(batch) + " in slot (" + round + "," + proposer
          + ") where another replica executed " + describe(first);
    }
    return null;
  }

  String roundExecuted(int replica, long round, long digest) {
    if (round != lastRound[replica] + 1) {
      return "replica " + replica + " finished round " + round + " after round " + lastRound[replica];
    }
    Integer proposers = roundProposers.putIfAbsent(round, roundMask[replica]);
    if (proposers != null && proposers != roundMask[replica]) {
      return "replica " + replica + " executed round " + round + " with proposers " + Integer.toBinaryString(roundMask[replica])
          + " where another replica executed proposers " + Integer.toBinaryString(proposers);
    }
    lastRound[replica] = round;
    lastProposer[replica] = -1;
    roundMask[replica] = 0;
    return checkDigest(replica, round, digest, "after executing round");
  }

  String snapshotInstalled(int replica, long round, long digest) {
    if (round <= lastRound[replica]) {
      return "replica " + replica + " installed a snapshot of round " + round + " after executing round " + lastRound[replica];
    }
    lastRound[replica] = round;
    lastProposer[replica] = -1;
    roundMask[replica] = 0;
    return checkDigest(replica, round, digest, "after installing the snapshot of round");
  }

  private String checkDigest(int replica, long round, long digest, String when) {
    Long first = roundDigests.putIfAbsent(round, digest);
    if (first != null && first != digest) {
      return "replica " + replica + " has state " + Long.toHexString(digest) + " " + when + " " + round
          + " where another replica had " + Long.toHexString(first);
    }
    return null;
  }

  String applied(int replica, long round, int proposer, int index, Request request) {
    long key = requestKey(request.clientId(), request.seq());
    byte[] command = submitted.get(key);
    if (command == null || !Arrays.equals(command, request.command())) {
      return "replica " + replica + " applied " + request + " in round " + round + ", which no client submitted"
          + (command == null ? "" : " with these bytes");
    }
    long position = (round << 20) | ((long) proposer << 16) | index;
    Long first = appliedAt.putIfAbsent(key, position);
    if (first != null && first != position) {
      return "replica " + replica + " applied " + request + " a second time: at round " + round + " slot " + proposer
          + " after round " + (first >> 20) + " slot " + ((first >> 16) & 0xF);
    }
    highestAppliedRound = Math.max(highestAppliedRound, round);
    return null;
  }

  /** Whether any replica applied the request (clientId, seq). */
  boolean wasApplied(long clientId, long seq) {
    return appliedAt.containsKey(requestKey(clientId, seq));
  }

  /** The highest round in which any replica applied a request. */
  long highestAppliedRound() {
    return highestAppliedRound;
  }

  private static String describe(Batch batch) {
    StringBuilder sb = new StringBuilder("[");
    for (Request r : batch.requests()) {
      if (sb.length() > 1) {
        sb.append(' ');
      }
      sb.append(r.clientId()).append('#').append(r.seq());
    }
    return sb.append(']').toString();
  }
}
