package dev.chora.runtime.sim;

import java.util.function.Consumer;

/**
 * Lines about a run's client requests, replies and state-transfer messages, for reading what
 * happened around a failure when its seed is replayed. Tracing draws nothing from the run's random
 * stream, so a traced run is the same run.
 */
public interface SimTrace {
  /** Traces nothing. */
  SimTrace NONE = new SimTrace() {
    @Override
    public boolean wants(long nowNanos) {
      return false;
    }

    @Override
    public void line(String text) {}
  };

  /** Whether lines at this simulated time are wanted; a line's text is built only if so. */
  boolean wants(long nowNanos);

  void line(String text);

  /** Every line from {@code fromNanos} to {@code toNanos} of simulated time, to {@code out}. */
  static SimTrace window(long fromNanos, long toNanos, Consumer<String> out) {
    return new SimTrace() {
      @Override
      public boolean wants(long nowNanos) {
        return nowNanos >= fromNanos && nowNanos <= toNanos;
      }

      @Override
      public void line(String text) {
        out.accept(text);
      }
    };
  }
}
