package dev.chora.examples.counter;

import dev.chora.actors.entity.ReplicatedEntity;
import java.nio.ByteBuffer;

/** The smallest replicated entity: a counter. */
public final class CounterEntity implements ReplicatedEntity<Add, Total> {
  private long total;

  @Override
  public Total handle(Add command) {
    total = Math.addExact(total, command.by());
    return new Total(total);
  }

  @Override
  public byte[] snapshot() {
    return ByteBuffer.allocate(8).putLong(total).array();
  }

  @Override
  public void restore(byte[] snapshot) {
    if (snapshot.length != 8) {
      throw new IllegalArgumentException("a counter snapshot is 8 bytes, not " + snapshot.length);
    }
    total = ByteBuffer.wrap(snapshot).getLong();
  }
}
