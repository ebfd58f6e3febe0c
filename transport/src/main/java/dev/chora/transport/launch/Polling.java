package dev.chora.transport.launch;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting in tests for a condition that other threads or processes make true. */
public final class Polling {
  private Polling() {}

  /**
   * Returns once {@code condition} holds, checking every 100 ms; throws an {@link AssertionError}
   * naming {@code what} when it has not within {@code timeout}.
   */
  public static void until(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
      }
      Thread.sleep(100);
    }
  }
}
