package dev.chora.actors.replica;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The replica's clock: tells it {@code tick} at the core's next deadline. Pekko's scheduler runs on
 * a coarse wheel (pekko.scheduler.tick-duration), too coarse for round timeouts of a few
 * milliseconds, so the ticker is a timing loop of its own: one platform thread parked until the
 * armed deadline. Each arm replaces the deadline: an earlier one unparks the thread, a later one
 * lets it wake at the old time and park again without telling the replica anything. That matters
 * because a round's deadline moves later as soon as its messages are in (from the round timeout
 * to the pace of the next round): ticking the replica at the stale deadline would cost an actor
 * message and a step per round for nothing, under load and idle alike.
 */
final class RoundTicker implements AutoCloseable {
  /** What the replica is told at its deadline. */
  enum Tick { INSTANCE }

  private static final long DISARMED = Long.MAX_VALUE;

  private final AtomicLong deadline = new AtomicLong(DISARMED);
  private final Thread thread;
  private volatile boolean running = true;

  RoundTicker(String name, ActorRef<Tick> replica) {
    this.thread = new Thread(() -> loop(replica), name);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Ticks the replica at {@code deadlineNanos} (System.nanoTime) or soon after, instead of at the
   * deadline armed before; {@code Long.MAX_VALUE} disarms.
   */
  void arm(long deadlineNanos) {
    if (deadlineNanos < deadline.getAndSet(deadlineNanos)) {
      LockSupport.unpark(thread);
    }
  }

  private void loop(ActorRef<Tick> replica) {
    while (running) {
      long d = deadline.get();
      long wait = d == DISARMED ? Long.MAX_VALUE : d - System.nanoTime();
      if (wait <= 0) {
        if (deadline.compareAndSet(d, DISARMED)) {
          replica.tell(Tick.INSTANCE);
        }
      } else {
        LockSupport.parkNanos(this, Math.min(wait, 1_000_000_000L));
      }
    }
  }

  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
  }
}
