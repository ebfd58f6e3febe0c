package dev.chora.transport;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A Kryo serializer made of a hand-written writer and reader, so each message's layout reads as
 * two lines side by side. Stateless, hence shared by every pooled Kryo instance.
 */
final class WireSerializer<T> extends Serializer<T> {
  private final BiConsumer<Output, T> writer;
  private final Function<Input, T> reader;

  WireSerializer(BiConsumer<Output, T> writer, Function<Input, T> reader) {
    super(false, true); // never null at this level; the messages are immutable
    this.writer = writer;
    this.reader = reader;
  }

  @Override
  public void write(Kryo kryo, Output output, T object) {
    writer.accept(output, object);
  }

  @Override
  public T read(Kryo kryo, Input input, Class<? extends T> type) {
    return reader.apply(input);
  }
}
