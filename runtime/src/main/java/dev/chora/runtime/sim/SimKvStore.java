package dev.chora.runtime.sim;

import dev.chora.runtime.spi.StateMachine;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/** The deterministic key-value state machine the simulated clients use. */
final class SimKvStore implements StateMachine {
  private final TreeMap<Integer, Long> values = new TreeMap<>();

  @Override
  public byte[] apply(byte[] command) {
    KvCommand c = KvCommand.decode(command);
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

  /** A digest of the whole state, for comparing replicas. */
  long digest() {
    long h = 1125899906842597L;
    for (Map.Entry<Integer, Long> e : values.entrySet()) {
      h = 31 * h + e.getKey();
      h = 31 * h + e.getValue();
    }
    return h;
  }
}
