package dev.chora.runtime.sim;

import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.Request;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The invariants checked after every step of a run:
 * <ul>
 *   <li>agreement — every replica executes the same slot at the same log position, and executes
 *       positions consecutively from the first;
 *   <li>validity — only requests some client submitted are applied, with their exact bytes;
 *   <li>exactly-once — a replica applies each (clientId, seq) at most once.
 * </ul>
 * It returns a description of the first violation, or null.
 */
final class SafetyChecker {
  private final int replicas;
  /** The slot decided at each log position (round-1)*N + proposer, as first executed anywhere. */
  private final ArrayList<Batch> decided = new ArrayList<>();
  private final long[] nextPosition;
  private final Map<Long, byte[]> submitted = new HashMap<>();
  private final Set<Long>[] applied;
  private long highestAppliedRound;

  @SuppressWarnings("unchecked")
  SafetyChecker(int replicas) {
    this.replicas = replicas;
    this.nextPosition = new long[replicas];
    this.applied = new Set[replicas];
    for (int i = 0; i < replicas; i++) {
      applied[i] = new HashSet<>();
    }
  }

  static long requestKey(long clientId, long seq) {
    return (clientId << 32) ^ seq;
  }

  void submitted(Request request) {
    submitted.putIfAbsent(requestKey(request.clientId(), request.seq()), request.command());
  }

  String executed(int replica, long round, int proposer, Batch batch) {
    long position = (round - 1) * replicas + proposer;
    if (position != nextPosition[replica]) {
      return "replica " + replica + " executed slot (" + round + "," + proposer + ") at log position "
          + position + " but its next position was " + nextPosition[replica];
    }
    nextPosition[replica]++;
    if (position == decided.size()) {
      decided.add(batch);
      return null;
    }
    Batch first = decided.get((int) position);
    if (!first.equals(batch)) {
      return "replica " + replica + " executed " + describe(batch) + " in slot (" + round + "," + proposer
          + ") where another replica executed " + describe(first);
    }
    return null;
  }

  String applied(int replica, long round, Request request) {
    long key = requestKey(request.clientId(), request.seq());
    byte[] command = submitted.get(key);
    if (command == null || !Arrays.equals(command, request.command())) {
      return "replica " + replica + " applied " + request + " in round " + round + ", which no client submitted"
          + (command == null ? "" : " with these bytes");
    }
    if (!applied[replica].add(key)) {
      return "replica " + replica + " applied " + request + " a second time (round " + round + ")";
    }
    highestAppliedRound = Math.max(highestAppliedRound, round);
    return null;
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
