package dev.chora.transport;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.ByteBuffer;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.ByteBufferSerializer;
import org.apache.pekko.serialization.JSerializer;

/**
 * The Pekko serializer for Chora's protocol messages, bound to them by this module's
 * reference.conf. A thin adapter: the format and its checks live in {@link ChoraCodec}.
 *
 * <p>No manifest is needed: each frame names its class by a stable id (see {@link KryoFactory}).
 * Decoding failures throw {@link MalformedMessageException}, which Pekko remoting logs before
 * dropping the message.
 *
 * <p>It is a {@link ByteBufferSerializer}, so Artery writes and reads frames straight in its
 * envelope buffers: without it, every message sent cost a fresh array (and a copy) and every message
 * received another one, in Pekko's deserializeByteBuffer.
 */
public final class ChoraSerializer extends JSerializer implements ByteBufferSerializer {
  /**
   * This serializer's Pekko identifier, reserved for Chora: 0x43484f52, ASCII "CHOR". Pekko keeps
   * 0-40 for itself; changing this number breaks compatibility with running nodes.
   */
  public static final int IDENTIFIER = 0x43484f52;

  /** Where the settings live in the actor system's configuration. */
  public static final String CONFIG_PATH = "chora.serialization";

  private final ChoraCodec codec;

  /** The constructor Pekko calls, reflectively, when it first needs this serializer. */
  public ChoraSerializer(ExtendedActorSystem system) {
    this(maxMessageBytes(system.settings().config()));
  }

  /** For use without an actor system, e.g. in tests and tools. */
  public ChoraSerializer(int maxMessageBytes) {
    this.codec = new ChoraCodec(maxMessageBytes);
  }

  /** Reads {@code chora.serialization.max-message-bytes}, a HOCON size such as "16 MiB". */
  static int maxMessageBytes(Config config) {
    String path = CONFIG_PATH + ".max-message-bytes";
    long bytes = config.getBytes(path);
    // Java arrays stop a little short of Integer.MAX_VALUE.
    if (bytes < 16 || bytes > Integer.MAX_VALUE - 8) {
      throw new ConfigException.BadValue(path, "must be between 16 bytes and 2 GiB - 9 bytes, got " + bytes);
    }
    return (int) bytes;
  }

  public int maxMessageBytes() {
    return codec.maxMessageBytes();
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public boolean includeManifest() {
    return false;
  }

  @Override
  public byte[] toBinary(Object o) {
    return codec.encode(o);
  }

  @Override
  public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
    return codec.decode(bytes);
  }

  /** Artery's send path: the frame goes into {@code buf} at its position. */
  @Override
  public void toBinary(Object o, ByteBuffer buf) {
    codec.encodeInto(o, buf);
  }

  /** Artery's receive path: {@code buf} holds exactly the frame (there is no manifest). */
  @Override
  public Object fromBinary(ByteBuffer buf, String manifest) {
    return codec.decode(buf);
  }
}
