package dev.chora.transport;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.KryoBufferOverflowException;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Encodes and decodes Chora messages, thread-safely, with pooled Kryo instances and buffers.
 *
 * <p>Frame: one byte {@link #FORMAT_VERSION}, the class id from {@link KryoFactory} as an unsigned
 * varint, then the class's fields (see the *Serializers classes). A frame must be consumed
 * exactly: trailing bytes are an error.
 *
 * <p>The class id is read here rather than by Kryo's readClass: Kryo's format also allows a class
 * given by name, which a forged frame could use to make us load classes and allocate an
 * unbounded string before registration is checked.
 */
public final class ChoraCodec {
  /**
   * Bumped whenever any layout changes; a receiver refuses versions it does not know. 2: DoViewChange
   * and StartView carry their part number and count. 3: StartViewChange carries its sender's bound
   * view. 4: RoundMessage and AckMessage carry the sender's divergence checkpoint.
   */
  static final byte FORMAT_VERSION = 4;

  /** Largest buffer an Output keeps when returned to the pool; larger ones are left to the GC. */
  private static final int RETAINED_BUFFER_BYTES = 64 * 1024;
  private static final int INITIAL_BUFFER_BYTES = 4 * 1024;
  private static final int POOL_CAPACITY = 64;
  private static final byte[] NO_BYTES = new byte[0];

  private final int maxMessageBytes;
  private final AtomicInteger kryosCreated = new AtomicInteger();

  private final Pool<Kryo> kryos = new Pool<>(true, false, POOL_CAPACITY) {
    @Override
    protected Kryo create() {
      kryosCreated.incrementAndGet();
      return KryoFactory.newKryo();
    }
  };

  private final Pool<Output> outputs = new Pool<>(true, false, POOL_CAPACITY) {
    @Override
    protected Output create() {
      // The max capacity enforces max-message-bytes while writing: no oversized array is built.
      return new Output(Math.min(INITIAL_BUFFER_BYTES, maxMessageBytes), maxMessageBytes);
    }
  };

  private final Pool<Input> inputs = new Pool<>(true, false, POOL_CAPACITY) {
    @Override
    protected Input create() {
      return new Input();
    }
  };

  private final Pool<Scratch> scratches = new Pool<>(true, false, POOL_CAPACITY) {
    @Override
    protected Scratch create() {
      return new Scratch(Math.min(RETAINED_BUFFER_BYTES, maxMessageBytes));
    }
  };

  public ChoraCodec(int maxMessageBytes) {
    if (maxMessageBytes < 16) {
      throw new IllegalArgumentException("max-message-bytes must be at least 16, got " + maxMessageBytes);
    }
    this.maxMessageBytes = maxMessageBytes;
  }

  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /**
   * The encoding of {@code message}.
   *
   * @throws IllegalArgumentException if its class is not a Chora wire class, or a list in it holds
   *     null
   * @throws MessageTooLargeException if the encoding exceeds max-message-bytes
   */
  public byte[] encode(Object message) {
    Output out = writeFrame(message);
    try {
      return out.toBytes();
    } finally {
      release(out);
    }
  }

  /**
   * Writes the encoding of {@code message} into {@code target} at its position, advancing it: the
   * path Artery takes (see {@link ChoraSerializer}), with no array built per message. The frame
   * is written into a pooled buffer first and copied in one bulk put, so a message that does not
   * fit leaves {@code target} untouched.
   *
   * @throws IllegalArgumentException as {@link #encode}
   * @throws MessageTooLargeException if the encoding exceeds max-message-bytes or the space left
   *     in {@code target}
   */
  public void encodeInto(Object message, ByteBuffer target) {
    Output out = writeFrame(message);
    try {
      int length = out.position();
      if (length > target.remaining()) {
        throw new MessageTooLargeException(message.getClass().getSimpleName() + " of " + length
            + " bytes does not fit in the " + target.remaining() + " bytes the transport's frame has left (Artery's "
            + "maximum-frame-size or maximum-large-frame-size)");
      }
      target.put(out.getBuffer(), 0, length);
    } finally {
      release(out);
    }
  }

  /** The frame of {@code message} in a pooled Output; the caller must {@link #release} it. */
  private Output writeFrame(Object message) {
    if (message == null) {
      throw new IllegalArgumentException("ChoraCodec cannot encode null");
    }
    Integer id = KryoFactory.idOf(message.getClass());
    if (id == null) {
      throw new IllegalArgumentException("ChoraSerializer cannot serialize " + message.getClass().getName()
          + ": it is not a Chora wire class. Bind it to another serializer in pekko.actor.serialization-bindings, "
          + "or, if it is a new protocol message, give it a serializer and a new id in "
          + KryoFactory.class.getName() + ".TABLE");
    }
    Kryo kryo = kryos.obtain();
    Output out = outputs.obtain();
    try {
      out.reset();
      out.writeByte(FORMAT_VERSION);
      out.writeVarInt(id, true);
      kryo.writeObject(out, message);
      return out;
    } catch (KryoBufferOverflowException e) {
      release(out);
      throw new MessageTooLargeException(message.getClass().getSimpleName()
          + " does not fit in chora.serialization.max-message-bytes = " + maxMessageBytes, e);
    } catch (RuntimeException | Error e) {
      release(out);
      throw e;
    } finally {
      kryos.free(kryo); // Kryo keeps no per-call state after writeObject returns or throws
    }
  }

  private void release(Output out) {
    // A buffer grown for one large message is left to the GC rather than kept for ever.
    if (out.getBuffer().length <= RETAINED_BUFFER_BYTES) {
      outputs.free(out);
    }
  }

  /**
   * The message {@code bytes} encode.
   *
   * @throws MalformedMessageException if they are not exactly one well-formed message within
   *     max-message-bytes; nothing else escapes
   */
  public Object decode(byte[] bytes) {
    if (bytes == null) {
      throw new MalformedMessageException("empty message");
    }
    checkLength(bytes.length);
    Kryo kryo = kryos.obtain();
    Input in = inputs.obtain();
    try {
      in.setBuffer(bytes);
      return readFrame(kryo, in);
    } finally {
      in.setBuffer(NO_BYTES); // do not keep the message reachable from the pool
      inputs.free(in);
      // Safe even after a failure: Kryo resets its per-call state in a finally block and our
      // serializers hold none, so a flood of garbage does not cost a Kryo per message.
      kryos.free(kryo);
    }
  }

  /**
   * The message in {@code source} from its position to its limit, which must be exactly one
   * frame; the buffer is consumed. Artery hands us its (direct) receive buffer here: the frame is
   * copied in one bulk get into a pooled scratch array and decoded from there, which costs no
   * per-message array and keeps the decoding on plain arrays. Every byte array the message holds
   * is copied out of the scratch, so nothing decoded aliases it.
   *
   * @throws MalformedMessageException as {@link #decode(byte[])}
   */
  public Object decode(ByteBuffer source) {
    int length = source.remaining();
    checkLength(length);
    Kryo kryo = kryos.obtain();
    Scratch scratch = scratches.obtain();
    try {
      byte[] bytes = scratch.bytes.length >= length ? scratch.bytes : new byte[length];
      source.get(bytes, 0, length);
      scratch.input.setBuffer(bytes, 0, length);
      return readFrame(kryo, scratch.input);
    } finally {
      scratch.input.setBuffer(NO_BYTES);
      scratches.free(scratch);
      kryos.free(kryo);
    }
  }

  private void checkLength(int length) {
    if (length == 0) {
      throw new MalformedMessageException("empty message");
    }
    if (length > maxMessageBytes) {
      throw new MalformedMessageException("message of " + length
          + " bytes exceeds chora.serialization.max-message-bytes = " + maxMessageBytes);
    }
  }

  /** A reusable receive array and its Input; frames larger than the array get a one-off array. */
  private static final class Scratch {
    final byte[] bytes;
    final Input input = new Input();

    Scratch(int size) {
      this.bytes = new byte[size];
    }
  }

  private static Object readFrame(Kryo kryo, Input in) {
    int length = in.limit();
    Class<?> type;
    try {
      byte version = in.readByte();
      if (version != FORMAT_VERSION) {
        throw new MalformedMessageException("unknown wire format version " + version
            + " (this node reads version " + FORMAT_VERSION + ")");
      }
      int id = in.readVarInt(true);
      type = KryoFactory.typeOf(id);
      if (type == null) {
        throw new MalformedMessageException("unknown class id " + id);
      }
    } catch (KryoException e) {
      throw new MalformedMessageException("truncated header (" + length + " bytes)", e);
    }
    String where = type.getSimpleName() + " (" + length + " bytes), at byte ";
    Object message;
    try {
      message = kryo.readObject(in, type);
    } catch (MalformedMessageException e) {
      throw new MalformedMessageException(where + in.position() + ": " + e.getMessage(), e);
    } catch (KryoException e) {
      // Buffer underflow: a field or length runs past the end.
      throw new MalformedMessageException(where + in.position() + ": truncated (" + e.getMessage() + ")", e);
    } catch (RuntimeException e) {
      // A decoded value a constructor refuses (e.g. a null where the record requires a value).
      throw new MalformedMessageException(where + in.position() + ": undecodable (" + e + ")", e);
    }
    if (in.position() != length) {
      throw new MalformedMessageException(type.getSimpleName() + ": " + (length - in.position())
          + " trailing bytes after the message");
    }
    return message;
  }

  /** How many Kryo instances this codec has built; pooling keeps it near the thread count. */
  int kryosCreated() {
    return kryosCreated.get();
  }
}
