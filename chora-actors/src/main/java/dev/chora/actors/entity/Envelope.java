package dev.chora.actors.entity;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The bytes a command or reply travels as through the log: the entity it is for (commands only)
 * and the user object serialized by Pekko's serialization (serializer id and manifest), so users
 * keep whatever serializer they registered for their types.
 */
record Envelope(String type, String entityId, int serializerId, String manifest, byte[] payload) {
  /** A reply that says the command failed; {@code manifest} carries the reason. */
  static final int FAILURE = Integer.MIN_VALUE;

  byte[] encode() {
    try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(payload.length + 64);
        DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(type);
      out.writeUTF(entityId);
      out.writeInt(serializerId);
      out.writeUTF(manifest);
      out.writeInt(payload.length);
      out.write(payload);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Envelope decode(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      String type = in.readUTF();
      String entityId = in.readUTF();
      int serializerId = in.readInt();
      String manifest = in.readUTF();
      int length = in.readInt();
      if (length < 0 || length > in.available()) {
        throw new IllegalArgumentException("payload length " + length + " does not fit the " + data.length + " bytes");
      }
      byte[] payload = new byte[length];
      in.readFully(payload);
      return new Envelope(type, entityId, serializerId, manifest, payload);
    } catch (IOException e) {
      throw new IllegalArgumentException("not an entity envelope: " + e.getMessage(), e);
    }
  }

  static Envelope failure(String reason) {
    return new Envelope("", "", FAILURE, reason, new byte[0]);
  }

  boolean isFailure() {
    return serializerId == FAILURE;
  }
}
