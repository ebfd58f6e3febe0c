package dev.chora.runtime.core;

import dev.chora.runtime.message.DoViewChange;
import dev.chora.runtime.message.RoundSlots;
import dev.chora.runtime.message.StartView;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * Cuts DoViewChange and StartView messages into parts of at most max-transfer-bytes of rounds each,
 * and puts them back together on receipt.
 *
 * <p>Why: both carry every round above the sender's execution, up to N slots of max-batch-bytes
 * each, over as many rounds as the replicas ran ahead — megabytes at N = 5 or more under load,
 * beyond Artery's frame. A message over the frame is dropped by the transport; a view change whose
 * DoViewChange is always dropped times out into the next view, which sends the same message again:
 * the group would never leave the view change. In parts, every message fits (a whole round fits
 * max-transfer-bytes; {@link dev.chora.runtime.config.ChoraConfig} checks it).
 *
 * <p>Safety is unchanged: a receiver acts only on a whole message, assembled from parts that carry
 * the same header, in part order, which is the message the sender cut. A lost part leaves the
 * message incomplete, as a lost whole message would, and the view change's timeout covers
 * both.
 */
final class ViewChangeParts {
  private ViewChangeParts() {}

  /**
   * Consecutive runs of {@code rounds}, each of at most {@code budget} bytes ({@link
   * RoundSlots#sizeBytes}) or a single round; one empty run for no rounds.
   */
  static List<List<RoundSlots>> cut(List<RoundSlots> rounds, long budget) {
    List<List<RoundSlots>> runs = new ArrayList<>();
    List<RoundSlots> run = new ArrayList<>();
    long bytes = 0;
    for (RoundSlots rs : rounds) {
      long size = rs.sizeBytes();
      if (!run.isEmpty() && bytes + size > budget) {
        runs.add(List.copyOf(run));
        run.clear();
        bytes = 0;
      }
      run.add(rs);
      bytes += size;
    }
    runs.add(List.copyOf(run));
    return runs;
  }

  static List<DoViewChange> split(DoViewChange whole, long budget) {
    return split(whole.rounds(), budget, whole::withRounds);
  }

  static List<StartView> split(StartView whole, long budget) {
    return split(whole.decided(), budget, whole::withDecided);
  }

  /** Makes part {@code part} of {@code parts} of a message, holding {@code rounds}. */
  private interface PartOf<M> {
    M make(int part, int parts, List<RoundSlots> rounds);
  }

  private static <M> List<M> split(List<RoundSlots> rounds, long budget, PartOf<M> partOf) {
    List<List<RoundSlots>> runs = cut(rounds, budget);
    List<M> parts = new ArrayList<>(runs.size());
    for (int i = 0; i < runs.size(); i++) {
      parts.add(partOf.make(i, runs.size(), runs.get(i)));
    }
    return parts;
  }

  /** Whether a message's part fields are possible: 0 <= part < parts <= maxParts. */
  static boolean validPart(int part, int parts, int maxParts) {
    return parts >= 1 && parts <= maxParts && part >= 0 && part < parts;
  }

  /**
   * The parts of one message gathered so far. A part with another header (a different message)
   * replaces what was gathered: the sender sends one message per view, so a different header
   * means the older one is of no use any more.
   */
  static final class Gathering<M> {
    private final BiPredicate<M, M> sameWhole;
    private Object[] parts;
    private M header;
    private int held;

    Gathering(BiPredicate<M, M> sameWhole) {
      this.sameWhole = sameWhole;
    }

    /** Adds part {@code part} of {@code count}; returns every part, in order, once all are held. */
    @SuppressWarnings("unchecked")
    List<M> add(M m, int part, int count) {
      if (header == null || !sameWhole.test(header, m)) {
        header = m;
        parts = new Object[count];
        held = 0;
      }
      if (parts[part] == null) {
        parts[part] = m;
        held++;
      }
      if (held < parts.length) {
        return null;
      }
      List<M> all = new ArrayList<>(parts.length);
      for (Object p : parts) {
        all.add((M) p);
      }
      clear();
      return all;
    }

    /** The message being gathered, or null. */
    M header() {
      return header;
    }

    int held() {
      return held;
    }

    int expected() {
      return parts == null ? 0 : parts.length;
    }

    void clear() {
      header = null;
      parts = null;
      held = 0;
    }
  }

  static DoViewChange joinDoViewChange(List<DoViewChange> parts) {
    List<RoundSlots> rounds = new ArrayList<>();
    for (DoViewChange p : parts) {
      rounds.addAll(p.rounds());
    }
    return parts.get(0).withRounds(0, 1, List.copyOf(rounds));
  }

  static StartView joinStartView(List<StartView> parts) {
    List<RoundSlots> decided = new ArrayList<>();
    for (StartView p : parts) {
      decided.addAll(p.decided());
    }
    return parts.get(0).withDecided(0, 1, List.copyOf(decided));
  }
}
