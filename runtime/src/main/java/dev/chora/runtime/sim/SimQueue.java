package dev.chora.runtime.sim;

import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * What is due in simulated time, taken earliest first; ties break by scheduling order, never by
 * chance, so that a run replays exactly. The simulator's one queue of events, and the in-memory
 * network of the core's step-by-step tests.
 *
 * @param <E> what is scheduled
 */
public final class SimQueue<E> {
  /** One scheduled item: due at {@code time}, the {@code order}-th item scheduled on its queue. */
  public record Scheduled<E>(long time, long order, E item) implements Comparable<Scheduled<E>> {
    @Override
    public int compareTo(Scheduled<E> o) {
      int c = Long.compare(time, o.time);
      return c != 0 ? c : Long.compare(order, o.order);
    }
  }

  private final PriorityQueue<Scheduled<E>> queue = new PriorityQueue<>();
  private long order;

  /** Schedules {@code item} for {@code time}: after everything already scheduled for that time. */
  public void schedule(long time, E item) {
    queue.add(new Scheduled<>(time, order++, item));
  }

  /** The earliest item, removed, or null if none is scheduled. */
  public Scheduled<E> poll() {
    return queue.poll();
  }

  /** The earliest item if it is due by {@code now}, removed; otherwise null. */
  public Scheduled<E> pollDue(long now) {
    Scheduled<E> next = queue.peek();
    return next == null || next.time() > now ? null : queue.poll();
  }

  /**
   * Hands every item due by {@code now} to {@code action}, earliest first, including those the
   * action itself schedules for {@code now} or earlier.
   */
  public void drainDue(long now, Consumer<E> action) {
    for (Scheduled<E> next = pollDue(now); next != null; next = pollDue(now)) {
      action.accept(next.item());
    }
  }

  public boolean isEmpty() {
    return queue.isEmpty();
  }
}
