package dev.chora.runtime.message;

import java.util.List;

/** The requests one replica proposes in one round: an immutable, possibly empty, ordered list. */
public final class Batch {
  public static final Batch EMPTY = new Batch(List.of(), 0);

  private final List<Request> requests;
  private final int sizeBytes;

  private Batch(List<Request> requests, int sizeBytes) {
    this.requests = requests;
    this.sizeBytes = sizeBytes;
  }

  public static Batch of(List<Request> requests) {
    if (requests.isEmpty()) {
      return EMPTY;
    }
    long bytes = 0;
    for (Request r : requests) {
      bytes += r.sizeBytes();
    }
    return new Batch(List.copyOf(requests), (int) Math.min(Integer.MAX_VALUE, bytes));
  }

  public List<Request> requests() { return requests; }
  public int size() { return requests.size(); }
  public boolean isEmpty() { return requests.isEmpty(); }
  public int sizeBytes() { return sizeBytes; }

  @Override
  public boolean equals(Object o) {
    return o instanceof Batch b && b.requests.equals(requests);
  }

  @Override
  public int hashCode() {
    return requests.hashCode();
  }

  @Override
  public String toString() {
    return "Batch{" + requests.size() + " requests, " + sizeBytes + "B}";
  }
}
