package dev.chora.multijvm.faults;

import dev.chora.transport.ChoraSerializer;
import java.util.Arrays;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.JSerializer;

/**
 * A stranger's stand-in for Chora's serializer, under Chora's identifier: it encodes protocol
 * messages as Chora does, except a {@link Mangled} one, whose bytes it truncates or overwrites
 * with noise. The receiving node decodes them with the real serializer, which must refuse them
 * (Artery then logs and drops), and must not hang, crash or mistake them for a valid message.
 */
public final class StrangerSerializer extends JSerializer {

  /** A protocol message to send with its encoding damaged: cut at {@code keep} bytes, or noise from {@code noiseFrom}. */
  public record Mangled(Object message, int keep, int noiseFrom, long noiseSeed) {}

  private final ChoraSerializer chora;

  public StrangerSerializer(ExtendedActorSystem system) {
    this.chora = new ChoraSerializer(system);
  }

  @Override
  public int identifier() {
    return ChoraSerializer.IDENTIFIER;
  }

  @Override
  public boolean includeManifest() {
    return false;
  }

  @Override
  public byte[] toBinary(Object o) {
    if (!(o instanceof Mangled m)) {
      return chora.toBinary(o);
    }
    byte[] bytes = chora.toBinary(m.message());
    if (m.keep() < bytes.length) {
      return Arrays.copyOf(bytes, Math.max(0, m.keep()));
    }
    java.util.Random noise = new java.util.Random(m.noiseSeed());
    for (int i = Math.max(0, m.noiseFrom()); i < bytes.length; i++) {
      bytes[i] = (byte) noise.nextInt();
    }
    return bytes;
  }

  @Override
  public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
    return chora.fromBinaryJava(bytes, manifest);
  }
}
