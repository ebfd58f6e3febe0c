package dev.chora.runtime.core;

import static dev.chora.runtime.core.Sentinels.NEVER;
import static dev.chora.runtime.core.Sentinels.NO_ROUND;

import java.util.Arrays;

/**
 * Text for operators about one core: why it suspected a member, what a timed-out view change had
 * gathered, what it holds of a round. Reads the parts' state and changes nothing.
 */
final class Diagnostics {
  private Diagnostics() {}

  static String describeSuspicion(CoreContext c, int j, int missed, boolean bySilence, boolean heard) {
    MemberProgress p = c.members[j];
    long heardAgo = p.lastHeardNanos == NEVER ? -1 : (c.now - p.lastHeardNanos) / 1_000_000;
    return "suspected replica " + j + " in view " + c.views.view() + " at round " + c.sync.currentRound() + ": "
        + (bySilence ? "silent for " + ms(c.now - c.suspicion.silentSince(j)) + " ms" + silenceRule(c, j)
            : heard ? "missing from " + missed + " rounds in a row over " + ms(c.now - p.dueSinceNanos)
                + " ms, heard from meanwhile (suspect-after-rounds, suspect-late-after)"
            : "missing from " + missed + " rounds in a row (suspect-after-rounds)")
        + (c.warmingUp() ? ", thresholds x" + c.config.warmUpSuspicionFactor() + " while warming up" : "")
        + "; last heard " + (heardAgo < 0 ? "never" : heardAgo + " ms ago") + ", round timeout "
        + c.roundTimeout() / 1_000 + " us, executed round " + c.replication.executedRound()
        + (c.suspicion.lastOwnStallNanos() > 0 ? ", own last stall " + ms(c.suspicion.lastOwnStallNanos()) + " ms" : "");
  }

  /** Which limit a silence reached: suspect-after-max, or the slack of a member that paused before. */
  private static String silenceRule(CoreContext c, int j) {
    long pause = c.suspicion.recentPauseNanos(j);
    long limit = c.suspicion.silenceLimit(j, c.warmingUp());
    long base = c.config.suspectAfterMaxNanos() * (c.warmingUp() ? c.config.warmUpSuspicionFactor() : 1);
    if (limit <= base) {
      return " (suspect-after-max)";
    }
    return " (suspect-after-max, twice its longest recent pause of " + ms(pause) + " ms"
        + (Suspicion.PAUSE_SLACK_FACTOR * pause > limit ? ", within suspect-late-after)" : ")");
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }

  static String describeViewChange(CoreContext c, ViewChange vc) {
    long view = c.views.view();
    var pending = c.adoption.pending();
    Snapshots s = c.snapshots;
    return "view " + view + " (coordinator " + view % c.replicas + ") timed out after "
        + vc.timeoutNanos() / 1_000_000 + " ms: StartViewChange from " + members(c, vc.startViewChanges())
        + ", DoViewChange " + (vc.sentDoViewChange() ? "sent" : "not sent")
        + (view % c.replicas == c.self ? ", DoViewChange from " + members(c, vc.doViewChangesFrom()) + vc.partsGathered()
            + (vc.quorumOfDoViewChanges() ? " (quorum)" : "") : "")
        + (pending == null ? "" : ", StartView of view " + pending.view()
            + " waiting (first round " + pending.firstRound() + ")")
        + ", inconsistent decisions " + c.stats.inconsistentViewChanges
        + "; executed " + c.replication.executedRound() + ", commit index " + c.replication.commitIndex()
        + ", window [" + c.log.base() + ", " + c.log.limit() + "), snapshot " + s.round
        + (s.pendingRound != NO_ROUND ? " (one pending)" : "") + ", unreachable " + members(c, unreachableMask(c));
  }

  static String describeRound(CoreContext c, long round) {
    return "round " + round + ": base=" + c.log.base() + " limit=" + c.log.limit() + " proposers="
        + Integer.toBinaryString(c.log.proposers(round)) + " held=" + Integer.toBinaryString(c.log.heldMask(round))
        + " tag=" + c.log.tag(round) + " verified=" + c.log.verified(round)
        + " acks(self)=" + Arrays.toString(c.acks.copyOfRow(c.self))
        + " snapshotRound=" + c.snapshots.round + " pendingSnapshot=" + c.snapshots.pendingRound
        + " stalledSince=" + stalledSince(c);
  }

  /** When execution stalled, or -1 when it is not stalled. */
  private static long stalledSince(CoreContext c) {
    long since = c.transfer.stalledSinceNanos();
    return since == NEVER ? -1 : since;
  }

  private static int unreachableMask(CoreContext c) {
    int mask = 0;
    for (int k = 0; k < c.replicas; k++) {
      if (c.members[k].unreachable) {
        mask |= 1 << k;
      }
    }
    return mask;
  }

  private static String members(CoreContext c, int mask) {
    StringBuilder b = new StringBuilder("{");
    for (int k = 0; k < c.replicas; k++) {
      if ((mask & (1 << k)) != 0) {
        b.append(b.length() > 1 ? "," : "").append(k);
      }
    }
    return b.append('}').toString();
  }
}
