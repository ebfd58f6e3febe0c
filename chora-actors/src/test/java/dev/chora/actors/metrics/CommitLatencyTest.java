package dev.chora.actors.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Commit latency percentiles over recent rounds, from proposing a round to its commit. */
class CommitLatencyTest {
  private static final long MS = 1_000_000;

  @Test
  void zeroBeforeAnyCommit() {
    CommitLatency c = new CommitLatency();
    c.roundEntered(1, 0);
    assertEquals(0, c.quantileMillis(0.5));
  }

  @Test
  void percentilesOfRoundsFromEntryToCommitWithinOnePercent() {
    CommitLatency c = new CommitLatency();
    // Round r takes r ms to commit, rounds 1..100 each committed on its own.
    for (long r = 1; r <= 100; r++) {
      c.roundEntered(r, r * 1_000 * MS);
      c.committed(r, r * 1_000 * MS + r * MS);
    }
    assertEquals(50, c.quantileMillis(0.5), 0.5);
    assertEquals(99, c.quantileMillis(0.99), 0.99);
    assertEquals(100, c.quantileMillis(1.0), 1.0);
  }

  @Test
  void oneCommitCoversEveryRoundUpToItsIndexOnce() {
    CommitLatency c = new CommitLatency();
    for (long r = 1; r <= 4; r++) {
      c.roundEntered(r, r * MS);
    }
    c.committed(4, 10 * MS);
    c.committed(4, 50 * MS);
    // Rounds 1..4 took 9, 8, 7 and 6 ms; the repeated commit index adds nothing.
    assertEquals(6, c.quantileMillis(0.0), 0.06);
    assertEquals(9, c.quantileMillis(1.0), 0.09);
  }

  @Test
  void onlyRecentRoundsCount() {
    CommitLatency c = new CommitLatency();
    long t = 0;
    long round = 0;
    // An old slow stretch, then more than two windows of fast rounds: the slow ones are forgotten.
    for (int i = 0; i < CommitLatency.WINDOW; i++) {
      c.roundEntered(++round, t);
      c.committed(round, t += 100 * MS);
    }
    assertEquals(100, c.quantileMillis(0.5), 1);
    for (int i = 0; i < 2 * CommitLatency.WINDOW; i++) {
      c.roundEntered(++round, t);
      c.committed(round, t += MS);
    }
    assertEquals(1, c.quantileMillis(1.0), 0.01);
  }
}
