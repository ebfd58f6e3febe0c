package dev.chora.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import dev.chora.examples.bank.BankCommand;
import dev.chora.examples.bank.BankReply;
import dev.chora.examples.counter.Add;
import dev.chora.examples.counter.Total;
import dev.chora.examples.kv.KvCommand;
import dev.chora.examples.kv.KvReply;
import dev.chora.examples.serialization.ExamplesSerializer;
import java.io.NotSerializableException;
import java.util.List;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.Test;

class SerializerTest {
  static final List<Object> SAMPLES = List.of(
      new KvCommand.Put("key", "välue"), new KvCommand.Put("", ""), new KvCommand.Get("k"), new KvCommand.Delete("k"),
      new KvCommand.CompareAndSet("k", null, "n"), new KvCommand.CompareAndSet("k", "e", null),
      new KvReply(true, "v"), new KvReply(false, null),
      new BankCommand.Open("a", 100), new BankCommand.Transfer("a", "b", 7), new BankCommand.GetBalance("a"),
      new BankCommand.GetTotal(), BankReply.ok(3), BankReply.refused("insufficient funds"),
      new Add(-4), new Total(Long.MAX_VALUE));

  @Test
  void everyCommandAndReplyRoundTrips() throws Exception {
    ExamplesSerializer s = new ExamplesSerializer();
    for (Object o : SAMPLES) {
      assertEquals(o, s.fromBinary(s.toBinary(o), s.manifest(o)), String.valueOf(o));
    }
  }

  /** The layout is fixed (replicas of one group must agree): ASCII and other text alike. */
  @Test
  void stringsAreLengthPrefixedUtf8() throws Exception {
    ExamplesSerializer s = new ExamplesSerializer();
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        new byte[] {0, 0, 0, 2, 'a', 'b', 0, 0, 0, 3, 'x', (byte) 0xC3, (byte) 0xA9},
        s.toBinary(new KvCommand.Put("ab", "x\u00e9")));
    org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {1, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff},
        s.toBinary(new KvReply(true, null)));
    String longValue = "v".repeat(1000);
    assertEquals(new KvReply(true, longValue), s.fromBinary(s.toBinary(new KvReply(true, longValue)), "kv.reply"));
  }

  @Test
  void malformedBytesAreRefused() {
    ExamplesSerializer s = new ExamplesSerializer();
    assertThrows(NotSerializableException.class, () -> s.fromBinary(new byte[0], "no.such"));
    assertThrows(IllegalArgumentException.class, () -> s.fromBinary(new byte[] {0, 0, 0, 5, 'a'}, "kv.get"));
    assertThrows(IllegalArgumentException.class, () -> s.fromBinary(new byte[] {0x7f, 0, 0, 0}, "kv.get"));
    byte[] extra = new byte[] {0, 0, 0, 1, 'a', 9};
    assertThrows(IllegalArgumentException.class, () -> s.fromBinary(extra, "kv.get"));
  }

  @Test
  void boundInReferenceConfWithItsFixedIdentifier() throws Exception {
    ActorSystem system = ActorSystem.create("serializer-test", ConfigFactory.parseString(
        "pekko.actor.allow-java-serialization = off\npekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
    try {
      Serialization serialization = SerializationExtension.get(system);
      for (Object o : SAMPLES) {
        Serializer serializer = serialization.findSerializerFor(o);
        assertEquals(ExamplesSerializer.IDENTIFIER, serializer.identifier(), String.valueOf(o));
        byte[] bytes = serializer.toBinary(o);
        assertEquals(o, serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, o))
            .get());
      }
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
