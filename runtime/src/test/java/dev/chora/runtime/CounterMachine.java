package dev.chora.runtime;

import dev.chora.runtime.spi.StateMachine;
import java.nio.ByteBuffer;

/** The smallest state machine, for tests: each command adds its first byte; replies carry the total. */
public final class CounterMachine implements StateMachine {
  public long total;
  public int applied;

  @Override
  public byte[] apply(byte[] command) {
    applied++;
    total += command[0];
    return ByteBuffer.allocate(8).putLong(total).array();
  }

  @Override
  public byte[] query(byte[] query) {
    return ByteBuffer.allocate(8).putLong(total).array();
  }

  @Override
  public byte[] snapshot() {
    return query(null);
  }

  @Override
  public void restore(byte[] snapshot) {
    total = ByteBuffer.wrap(snapshot).getLong();
  }
}
