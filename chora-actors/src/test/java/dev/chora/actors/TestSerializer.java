package dev.chora.actors;

import java.nio.ByteBuffer;
import org.apache.pekko.serialization.JSerializer;

/** A user's own serializer for the test's entity commands and replies (bound in the test config). */
public final class TestSerializer extends JSerializer {
  @Override
  public int identifier() {
    return 9001;
  }

  @Override
  public boolean includeManifest() {
    return true;
  }

  @Override
  public byte[] toBinary(Object o) {
    long value = o instanceof EntitiesTest.Add a ? a.by() : ((EntitiesTest.Total) o).value();
    return ByteBuffer.allocate(8).putLong(value).array();
  }

  @Override
  public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
    long value = ByteBuffer.wrap(bytes).getLong();
    return manifest == EntitiesTest.Add.class ? new EntitiesTest.Add(value) : new EntitiesTest.Total(value);
  }
}
