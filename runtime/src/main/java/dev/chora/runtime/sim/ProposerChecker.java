package dev.chora.runtime.sim;

import dev.chora.runtime.config.ProposerPolicy;
import dev.chora.runtime.message.RoundMessage;

/**
 * The proposer policy's invariant: under {@code leader} only the lowest id of the view's active
 * set, and under {@code rotating} only round r's owner (the ((r - firstRound) mod |A|)-th member
 * of the active set, in id order), sends a round message whose batch holds requests. Computed
 * here on its own, not with the core's {@link ProposerPolicy#mayPropose}, so that a mistake there
 * shows. Under {@code all} every active member may.
 */
final class ProposerChecker {
  private final ProposerPolicy policy;

  ProposerChecker(ProposerPolicy policy) {
    this.policy = policy;
  }

  /** A description of the violation, or null. */
  String proposed(int replica, RoundMessage m, int activeSet, long firstRound) {
    if (m.batch() == null || m.batch().isEmpty()) {
      return null;
    }
    if ((activeSet & (1 << replica)) == 0) {
      return "replica " + replica + " proposed " + m.batch().size() + " requests in round " + m.round() + " of view "
          + m.view() + " outside its active set " + Integer.toBinaryString(activeSet);
    }
    int permitted = switch (policy) {
      case ALL -> replica;
      case LEADER -> lowestMember(activeSet);
      case ROTATING -> owner(m.round(), activeSet, firstRound);
    };
    if (permitted == replica) {
      return null;
    }
    return "replica " + replica + " proposed " + m.batch().size() + " requests in round " + m.round() + " of view "
        + m.view() + " (active " + Integer.toBinaryString(activeSet) + ", first round " + firstRound + "), which the "
        + policy.configName() + " policy gives to replica " + permitted;
  }

  private static int lowestMember(int activeSet) {
    for (int i = 0; i < 32; i++) {
      if ((activeSet & (1 << i)) != 0) {
        return i;
      }
    }
    throw new IllegalArgumentException("empty active set");
  }

  private static int owner(long round, int activeSet, long firstRound) {
    int[] members = new int[Integer.bitCount(activeSet)];
    int k = 0;
    for (int i = 0; i < 32; i++) {
      if ((activeSet & (1 << i)) != 0) {
        members[k++] = i;
      }
    }
    long turn = (round - firstRound) % members.length;
    return members[(int) (turn < 0 ? turn + members.length : turn)];
  }
}
