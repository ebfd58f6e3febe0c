package dev.chora.runtime.sim;

import dev.chora.runtime.sim.check.KvOpType;
import java.nio.ByteBuffer;

/**
 * The simulated key-value store's wire format: a command is {type, key, arg, expected}; a GET's
 * reply is {present, value}, a CAS's is {swapped}, a PUT's is empty.
 */
record KvCommand(KvOpType type, int key, long arg, long expected) {
  static final int BYTES = 1 + 4 + 8 + 8;

  byte[] encode() {
    return ByteBuffer.allocate(BYTES).put((byte) type.ordinal()).putInt(key).putLong(arg).putLong(expected).array();
  }

  static KvCommand decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    KvOpType type = KvOpType.values()[b.get()];
    return new KvCommand(type, b.getInt(), b.getLong(), b.getLong());
  }

  static byte[] readResult(Long value) {
    ByteBuffer b = ByteBuffer.allocate(9);
    b.put((byte) (value == null ? 0 : 1)).putLong(value == null ? 0 : value);
    return b.array();
  }

  /** The value a GET reply carries, or null for an absent key. */
  static Long decodeRead(byte[] reply) {
    ByteBuffer b = ByteBuffer.wrap(reply);
    boolean present = b.get() == 1;
    long v = b.getLong();
    return present ? v : null;
  }
}
