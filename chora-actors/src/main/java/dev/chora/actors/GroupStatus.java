package dev.chora.actors;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The group as one node sees it: every replica's {@link ReplicaStatus} that answered within the
 * wait, and the ids of those that did not. A replica that does not answer may be down, cut off
 * from this node, or too busy; the others' view says whether the group has removed it.
 *
 * @param replicas   every replica's address, in id order (chora.replicas)
 * @param answered   the status of each replica that answered, by id
 * @param unanswered the ids of the replicas that did not answer within {@code waited}
 * @param waited     how long the query waited for the slowest replica
 */
public record GroupStatus(List<String> replicas, Map<Integer, ReplicaStatus> answered, List<Integer> unanswered,
    Duration waited) {

  public GroupStatus {
    replicas = List.copyOf(replicas);
    answered = Collections.unmodifiableMap(new TreeMap<>(answered));
    unanswered = List.copyOf(unanswered);
  }

  /** From one status per replica in id order, {@code null} for each that did not answer. */
  static GroupStatus of(List<String> replicas, List<ReplicaStatus> byId, Duration waited) {
    Map<Integer, ReplicaStatus> answered = new TreeMap<>();
    List<Integer> unanswered = new ArrayList<>();
    for (int i = 0; i < byId.size(); i++) {
      if (byId.get(i) == null) {
        unanswered.add(i);
      } else {
        answered.put(i, byId.get(i));
      }
    }
    return new GroupStatus(replicas, answered, unanswered, waited);
  }

  /** Replica {@code id}'s status, empty if it did not answer. */
  public Optional<ReplicaStatus> replica(int id) {
    return Optional.ofNullable(answered.get(id));
  }

  /** Whether every replica answered. */
  public boolean complete() {
    return unanswered.isEmpty();
  }

  /**
   * The group's view: the newest view that an answering replica is in normal operation in (a
   * replica still changing views, or one left behind, is not the group), or else the newest view
   * any answering replica reports; empty when none answered.
   */
  public Optional<ReplicaStatus.View> view() {
    ReplicaStatus.View best = null;
    for (ReplicaStatus s : answered.values()) {
      ReplicaStatus.View v = s.view();
      if (best == null || (v.isNormal() && !best.isNormal())
          || (v.isNormal() == best.isNormal() && v.number() > best.number())) {
        best = v;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * How many rounds replica {@code id} has executed fewer than the furthest answering replica
   * (0 for the furthest); empty if it did not answer.
   */
  public Optional<Long> lag(int id) {
    long furthest = answered.values().stream().mapToLong(s -> s.progress().executedRound()).max().orElse(0);
    return replica(id).map(s -> furthest - s.progress().executedRound());
  }
}
