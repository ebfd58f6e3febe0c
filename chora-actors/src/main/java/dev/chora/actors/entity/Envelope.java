package dev.chora.actors.entity;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The bytes a command or reply travels as through the log: the entity it is for (commands only)
 * and the user object serialized by Pekko's serialization (serializer id and manifest), so users
 * keep whatever serializer they registered for their types.
 */
record Envelope(String type, String entityId, int serializerId, String manifest, byte[] payload) {
  /**
   * The longest entity id or type name: snapshots write them as {@code DataOutput.writeUTF}, whose
   * limit is 65,535 bytes, and a character takes at most three.
   */
  static final int MAX_NAME_CHARS = 16 * 1024;

  /** A reply that says the command failed; {@code manifest} carries the reason. */
  static final int FAILURE = Integer.MIN_VALUE;

  /**
   * A failure's payload when the command was never decoded; empty when the entity failed. In the
   * payload rather than a serializer id of its own, so that a client that does not know this
   * marker still reads the failure and its reason.
   */
  private static final byte NOT_DECODED = 1;

  /**
   * Length-prefixed UTF-8 strings and the payload in one exactly sized array: every replica
   * decodes every command and encodes its reply, so this stays free of stream wrappers and copies.
   */
  byte[] encode() {
    byte[] t = type.getBytes(StandardCharsets.UTF_8);
    byte[] e = entityId.getBytes(StandardCharsets.UTF_8);
    byte[] m = manifest.getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate(4 * 5 + t.length + e.length + m.length + payload.length);
    out.putInt(t.length).put(t).putInt(e.length).put(e).putInt(serializerId).putInt(m.length).put(m)
        .putInt(payload.length).put(payload);
    return out.array();
  }

  static Envelope decode(byte[] data) {
    try {
      ByteBuffer in = ByteBuffer.wrap(data);
      String type = string(in);
      String entityId = string(in);
      int serializerId = in.getInt();
      String manifest = string(in);
      byte[] payload = new byte[length(in, "payload")];
      in.get(payload);
      if (in.hasRemaining()) {
        throw new IllegalArgumentException("not an entity envelope: " + in.remaining() + " bytes left over");
      }
      return new Envelope(type, entityId, serializerId, manifest, payload);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("not an entity envelope: truncated at " + data.length + " bytes", e);
    }
  }

  private static int length(ByteBuffer in, String what) {
    int n = in.getInt();
    if (n < 0 || n > in.remaining()) {
      throw new IllegalArgumentException("not an entity envelope: " + what + " length " + n + " does not fit the "
          + in.remaining() + " bytes left");
    }
    return n;
  }

  private static String string(ByteBuffer in) {
    int n = length(in, "string");
    String s = new String(in.array(), in.position(), n, StandardCharsets.UTF_8);
    in.position(in.position() + n);
    return s;
  }

  static Envelope failure(String reason) {
    return new Envelope("", "", FAILURE, reason, new byte[0]);
  }

  /** A failure reply for a command the replica could not decode, so no entity saw it. */
  static Envelope notDecoded(String reason) {
    return new Envelope("", "", FAILURE, reason, new byte[] {NOT_DECODED});
  }

  boolean isFailure() {
    return serializerId == FAILURE;
  }

  boolean isNotDecoded() {
    return isFailure() && payload.length == 1 && payload[0] == NOT_DECODED;
  }
}
