package dev.chora.actors.replica;

import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Each arm replaces the deadline: an earlier one fires early, a later one postpones, MAX_VALUE disarms. */
class RoundTickerTest {
  static final ActorTestKit KIT = ActorTestKit.create();
  static final long MS = 1_000_000;

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @Test
  void anEarlierDeadlineFiresAtOnceInsteadOfTheArmedOne() {
    TestProbe<RoundTicker.Tick> replica = KIT.createTestProbe();
    try (RoundTicker ticker = new RoundTicker("ticker-earlier", replica.getRef())) {
      ticker.arm(System.nanoTime() + 60_000 * MS);
      ticker.arm(System.nanoTime() + 10 * MS);
      replica.expectMessage(Duration.ofSeconds(5), RoundTicker.Tick.INSTANCE);
    }
  }

  /** The round's messages are in: its timeout is no deadline any more, and must not tick the replica. */
  @Test
  void aLaterDeadlineReplacesTheArmedOne() {
    TestProbe<RoundTicker.Tick> replica = KIT.createTestProbe();
    try (RoundTicker ticker = new RoundTicker("ticker-later", replica.getRef())) {
      ticker.arm(System.nanoTime() + 20 * MS);
      long later = System.nanoTime() + 400 * MS;
      ticker.arm(later);
      replica.expectMessage(Duration.ofSeconds(5), RoundTicker.Tick.INSTANCE);
      if (System.nanoTime() < later) {
        throw new AssertionError("ticked before the deadline that replaced the first");
      }
    }
  }

  @Test
  void maxValueDisarms() {
    TestProbe<RoundTicker.Tick> replica = KIT.createTestProbe();
    try (RoundTicker ticker = new RoundTicker("ticker-disarm", replica.getRef())) {
      ticker.arm(System.nanoTime() + 20 * MS);
      ticker.arm(Long.MAX_VALUE);
      replica.expectNoMessage(Duration.ofMillis(200));
    }
  }
}
