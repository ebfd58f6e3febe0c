package dev.chora.examples.bench;

import dev.chora.actors.client.ChoraOverloadedException;
import dev.chora.actors.client.ChoraSessionExpiredException;
import dev.chora.actors.entity.EntityCommandFailedException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load: {@code workers} clients, each with one command in flight, issuing the next as
 * soon as the previous completes. Latencies go to two histograms (the current interval, for the
 * progress line, and the whole level); every operation goes to the history file if there is one.
 */
public final class ClosedLoop {
  /** What a completed operation reports: Jepsen's type ("ok", "fail" or "info") and the result. */
  public record Result(String type, String text) {
    public static Result ok(String text) {
      return new Result("ok", text);
    }

    public static Result fail(String text) {
      return new Result("fail", text);
    }
  }

  /** One started operation: what it is and its pending result. */
  public record Op(String op, String key, String value, CompletionStage<Result> result) {}

  /** Starts worker {@code worker}'s next operation (on the calling thread: keep it short). */
  @FunctionalInterface
  public interface OpSource {
    Op start(int worker);
  }

  private final OpSource source;
  private final HistoryWriter history;
  private final String clientPrefix;
  private volatile boolean running;
  private final AtomicInteger outstanding = new AtomicInteger();
  private volatile LatencyHistogram level = new LatencyHistogram();
  private final LatencyHistogram interval = new LatencyHistogram();
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong timedOut = new AtomicLong();

  /**
   * @param history      where to write every operation, or null
   * @param clientPrefix prefixed to the worker number to name the client in the history
   */
  public ClosedLoop(OpSource source, HistoryWriter history, String clientPrefix) {
    this.source = source;
    this.history = history;
    this.clientPrefix = clientPrefix;
  }

  /** Starts {@code workers} workers (after the previous ones drained: see {@link #stopAndDrain}). */
  public synchronized void start(int workers) {
    running = true;
    for (int w = 0; w < workers; w++) {
      next(w);
    }
  }

  private void next(int worker) {
    if (!running) {
      return;
    }
    outstanding.incrementAndGet();
    long invoked = System.nanoTime();
    Op op;
    try {
      op = source.start(worker);
    } catch (RuntimeException e) {
      complete(worker, new Op("?", null, null, null), invoked, null, e);
      return;
    }
    java.util.concurrent.CompletableFuture<Result> f = op.result().toCompletableFuture();
    if (f.isDone()) {
      // Completed at once (e.g. refused): continue on another thread, not deeper in this stack.
      f.whenCompleteAsync((r, e) -> complete(worker, op, invoked, r, e));
    } else {
      f.whenComplete((r, e) -> complete(worker, op, invoked, r, e));
    }
  }

  private void complete(int worker, Op op, long invoked, Result r, Throwable error) {
    long done = System.nanoTime();
    Result result = r;
    if (error != null) {
      Throwable cause = unwrap(error);
      if (cause instanceof TimeoutException) {
        result = new Result("info", "timeout: " + cause.getMessage());
      } else if (cause instanceof EntityCommandFailedException || cause instanceof RejectedExecutionException
          || cause instanceof IllegalArgumentException || refusedNotApplied(cause)) {
        result = Result.fail(cause.getClass().getSimpleName() + ": " + cause.getMessage());
      } else {
        result = new Result("info", cause.getClass().getSimpleName() + ": " + cause.getMessage());
      }
    }
    switch (result.type()) {
      case "ok" -> ok.incrementAndGet();
      case "fail" -> failed.incrementAndGet();
      default -> timedOut.incrementAndGet();
    }
    if ("ok".equals(result.type())) {
      level.recordNanos(done - invoked);
      interval.recordNanos(done - invoked);
    }
    if (history != null) {
      history.write(clientPrefix + worker, op.op(), op.key(), op.value(), invoked, done, result.type(), result.text());
    }
    outstanding.decrementAndGet();
    if (running) {
      next(worker);
    }
  }

  /**
   * Whether an ask failed with a refusal of the group's (overloaded, or of an expired session) on
   * every attempt: the command was certainly not applied, a "fail" in a history, not an "info".
   */
  public static boolean refusedNotApplied(Throwable cause) {
    return cause instanceof ChoraOverloadedException o && !o.mayHaveApplied()
        || cause instanceof ChoraSessionExpiredException s && !s.mayHaveApplied();
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Stops issuing and waits (up to {@code timeoutMs}) until every outstanding operation completed. */
  public boolean stopAndDrain(long timeoutMs) throws InterruptedException {
    running = false;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (outstanding.get() > 0) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  public int outstanding() {
    return outstanding.get();
  }

  /** Counts since the last {@link #resetLevel()}: ok, failed, timed out. */
  public long ok() {
    return ok.get();
  }

  public long failed() {
    return failed.get();
  }

  public long timedOut() {
    return timedOut.get();
  }

  /** Starts a new level: counters and the level histogram from zero. Returns the previous level's histogram. */
  public LatencyHistogram resetLevel() {
    LatencyHistogram previous = level;
    level = new LatencyHistogram();
    ok.set(0);
    failed.set(0);
    timedOut.set(0);
    interval.snapshotAndReset();
    return previous;
  }

  public LatencyHistogram level() {
    return level;
  }

  /** Latencies since the previous call (for a once-a-second progress line). */
  public LatencyHistogram takeInterval() {
    return interval.snapshotAndReset();
  }
}
