package dev.chora.runtime.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The loosened round length (DESIGN §4), on its own: samples in, timeout out. */
class RoundTimerTest {
  static final long MS = 1_000_000;

  /** Enters rounds 1..rounds, one per ms; each peer message of a round arrives lag(round) after entry. */
  static void drive(RoundTimer timer, int rounds, int peers, java.util.function.LongUnaryOperator lag) {
    for (long r = 1; r <= rounds; r++) {
      long entered = r * 100 * MS;
      timer.entered(r, entered);
      for (int p = 0; p < peers; p++) {
        timer.arrived(r, entered + lag.applyAsLong(r));
      }
    }
  }

  @Test
  void startsAtTheFloorAndStaysThereWhilePeersArePrompt() {
    RoundTimer timer = new RoundTimer(5 * MS, 20 * MS);
    assertEquals(5 * MS, timer.timeoutNanos());
    drive(timer, 2000, 2, r -> 300_000);
    assertEquals(5 * MS, timer.timeoutNanos(), "twice 0.3 ms is below the floor");
  }

  @Test
  void followsTwiceTheNinetyNinthPercentileOfTheLag() {
    RoundTimer timer = new RoundTimer(1 * MS, 20 * MS);
    // 98% of messages 0.5 ms late, 2% 4 ms late: p99 is 4 ms, so the timeout is 8 ms.
    drive(timer, 2000, 2, r -> r % 50 == 0 ? 4 * MS : MS / 2);
    assertEquals(8 * MS, timer.timeoutNanos());
    // The tail goes away: within a window the timeout comes back down to the floor.
    drive(timer, 2000, 2, r -> MS / 10);
    assertEquals(1 * MS, timer.timeoutNanos());
  }

  @Test
  void neverExceedsTheCeiling() {
    RoundTimer timer = new RoundTimer(1 * MS, 6 * MS);
    drive(timer, 2000, 4, r -> 50 * MS);
    assertEquals(6 * MS, timer.timeoutNanos());
  }

  @Test
  void aPeerAheadOfThisReplicaCountsAsPromptAndStaleRoundsAreNotSampled() {
    RoundTimer timer = new RoundTimer(1 * MS, 20 * MS);
    timer.entered(1000, 0);
    for (int i = 0; i < 2048; i++) {
      timer.arrived(1001 + i % 10, 50 * MS); // rounds not entered here yet: the peer is ahead
      timer.arrived(1, 90 * MS);             // a round entered long ago and forgotten: no sample
    }
    assertEquals(1 * MS, timer.timeoutNanos());
  }

  @Test
  void equalBoundsMeanAFixedTimeout() {
    RoundTimer timer = new RoundTimer(3 * MS, 3 * MS);
    drive(timer, 2000, 2, r -> 10 * MS);
    assertEquals(3 * MS, timer.timeoutNanos());
  }
}
