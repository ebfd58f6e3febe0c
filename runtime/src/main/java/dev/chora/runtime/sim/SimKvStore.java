package dev.chora.runtime.sim;

import dev.chora.runtime.sim.check.KvOpType;
import dev.chora.runtime.spi.StateMachine;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The key-value state machine the simulated clients use: deterministic, unless made with a clock,
 * as a deliberately non-deterministic one for divergence detection's tests.
 */
final class SimKvStore implements StateMachine {
  /** Where the non-deterministic store keeps its clock read; clients use keys from 0. */
  static final int CLOCK_KEY = Integer.MIN_VALUE;
  private final TreeMap<Integer, Long> values = new TreeMap<>();
  private final LongSupplier clock;

  SimKvStore() {
    this(null);
  }

  /**
   * @param clock null for the deterministic store; else read at every write and kept in the state
   *              (at {@link #CLOCK_KEY}), as an entity stamping its records with the node's clock
   *              would: its replies agree with the other replicas', its snapshots do not
   */
  SimKvStore(LongSupplier clock) {
    this.clock = clock;
  }

  @Override
  public byte[] apply(byte[] command) {
    KvCommand c = KvCommand.decode(command);
    if (clock != null && c.type() != KvOpType.GET) {
      values.put(CLOCK_KEY, clock.getAsLong());
    }
    switch (c.type()) {
      case PUT:
        values.put(c.key(), c.arg());
        return new byte[0];
      case CAS: {
        Long current = values.get(c.key());
        boolean swap = current != null && current == c.expected();
        if (swap) {
          values.put(c.key(), c.arg());
        }
        return new byte[] {(byte) (swap ? 1 : 0)};
      }
      case GET:
      default:
        return KvCommand.readResult(values.get(c.key()));
    }
  }

  @Override
  public byte[] query(byte[] query) {
    return KvCommand.readResult(values.get(KvCommand.decode(query).key()));
  }

  @Override
  public byte[] snapshot() {
    ByteBuffer b = ByteBuffer.allocate(4 + values.size() * 12);
    b.putInt(values.size());
    for (Map.Entry<Integer, Long> e : values.entrySet()) {
      b.putInt(e.getKey()).putLong(e.getValue());
    }
    return b.array();
  }

  @Override
  public void restore(byte[] snapshot) {
    values.clear();
    ByteBuffer b = ByteBuffer.wrap(snapshot);
    int n = b.getInt();
    for (int i = 0; i < n; i++) {
      values.put(b.getInt(), b.getLong());
    }
  }

  /**
   * A digest of the state the clients see, for the safety checker's comparison of replicas (the
   * clock read is left out: divergence detection, not the checker, is to find it).
   */
  long digest() {
    long h = 1125899906842597L;
    for (Map.Entry<Integer, Long> e : values.tailMap(CLOCK_KEY, false).entrySet()) {
      h = 31 * h + e.getKey();
      h = 31 * h + e.getValue();
    }
    return h;
  }
}
