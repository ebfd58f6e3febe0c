package dev.chora.runtime.sim;

/** One scheduled happening in simulated time; ties break by scheduling order, never by chance. */
final class SimEvent implements Comparable<SimEvent> {
  enum Kind {
    PEER_MESSAGE, CLIENT_REQUEST, CLIENT_READ, REPLY, TICK, SNAPSHOT, CLIENT_NEXT, CLIENT_TIMEOUT, LINK_FAULT, LINK_HEAL,
    FAULT_START, FAULT_END, FLAP
  }

  final long time;
  final long order;
  final Kind kind;
  final int target;
  final int source;
  final long tag;
  final Object payload;

  SimEvent(long time, long order, Kind kind, int target, int source, long tag, Object payload) {
    this.time = time;
    this.order = order;
    this.kind = kind;
    this.target = target;
    this.source = source;
    this.tag = tag;
    this.payload = payload;
  }

  @Override
  public int compareTo(SimEvent o) {
    int c = Long.compare(time, o.time);
    return c != 0 ? c : Long.compare(order, o.order);
  }
}
