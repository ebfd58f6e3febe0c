package dev.chora.runtime.storage;

import java.util.ArrayList;
import java.util.List;

/**
 * What each log segment's records concern, so that a snapshot can free the segments it makes
 * useless without reading them: per segment, in log order, its first and last entry number, the
 * highest round any of its records still concerns (a slot's or round's round, a clear-above's
 * round; a record about a round that a later clear-above forgot no longer counts) and the highest
 * entry number of a view record in it. Kept as entries are appended and rebuilt on open
 * from the replay (a segment starts where a record's number is a segment file's first index).
 */
final class SegmentConcerns {
  /** No round concerned (a segment of view records only). */
  static final long NO_ROUND = Long.MIN_VALUE;

  /** One segment's span and concerns. */
  static final class Span {
    final long firstIndex;
    long lastIndex;
    long maxRound = NO_ROUND;
    long maxViewSeq;

    Span(long firstIndex) {
      this.firstIndex = firstIndex;
      this.lastIndex = firstIndex;
    }
  }

  private final List<Span> spans = new ArrayList<>();

  /** Starts a segment whose first record is {@code index}. */
  void startSegment(long index) {
    spans.add(new Span(index));
  }

  /** A record of the last segment that concerns {@code round} ({@link #NO_ROUND} for none). */
  void record(long index, long round, boolean viewRecord) {
    Span last = spans.get(spans.size() - 1);
    last.lastIndex = index;
    last.maxRound = Math.max(last.maxRound, round);
    if (viewRecord) {
      last.maxViewSeq = index;
    }
  }

  /**
   * A clear-above of {@code round} was appended: records of earlier segments about higher rounds
   * no longer count (the fold forgets them whatever they held), so a segment's concern drops to
   * it. Called before the clear-above's own {@link #record}.
   */
  void clearAbove(long round) {
    for (Span span : spans) {
      span.maxRound = Math.min(span.maxRound, round);
    }
  }

  int segments() {
    return spans.size();
  }

  /** The first segment, or null. */
  Span first() {
    return spans.isEmpty() ? null : spans.get(0);
  }

  /**
   * How many leading segments concern only rounds at or below {@code round}; never the last
   * segment (the log keeps it) and never one after a segment that must stay.
   */
  int deletablePrefix(long round) {
    int k = 0;
    while (k < spans.size() - 1 && spans.get(k).maxRound <= round) {
      k++;
    }
    return k;
  }

  /** The span at {@code i} in log order. */
  Span get(int i) {
    return spans.get(i);
  }

  /** Forgets the first {@code k} segments, deleted from the log. */
  void dropPrefix(int k) {
    spans.subList(0, k).clear();
  }
}
