package dev.chora.transport;

import static dev.chora.transport.DeepAssert.assertDeepEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.ConfigFactory;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.RoundSlots;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.junit.jupiter.api.Test;

/** The reference.conf wiring: a plain local actor system picks ChoraSerializer for the messages. */
class PekkoBindingTest {
  private static ActorSystem start(String config) {
    return ActorSystem.create("chora-serialization-test",
        ConfigFactory.parseString(config).withFallback(ConfigFactory.load()));
  }

  private static void stop(ActorSystem system) throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void boundMessagesUseChoraSerializerAndRoundTrip() throws Exception {
    ActorSystem system = start("");
    try {
      Serialization serialization = SerializationExtension.get(system);
      int checked = 0;
      for (Map.Entry<String, Object> e : Samples.all().entrySet()) {
        Object message = e.getValue();
        if (message instanceof Batch || message instanceof RoundSlots) {
          continue; // carried inside messages, not bound on their own
        }
        Serializer serializer = serialization.findSerializerFor(message);
        ChoraSerializer chora = assertInstanceOf(ChoraSerializer.class, serializer, e.getKey());
        assertEquals(ChoraSerializer.IDENTIFIER, chora.identifier());
        assertFalse(chora.includeManifest());
        assertEquals(16 * 1024 * 1024, chora.maxMessageBytes());
        byte[] bytes = serialization.serialize(message).get();
        assertDeepEquals(message, serialization.deserialize(bytes, chora.identifier(), "").get());
        checked++;
      }
      assertEquals(Samples.all().size() - 4, checked);
    } finally {
      stop(system);
    }
  }

  @Test
  void maxMessageBytesComesFromTheSystemConfig() throws Exception {
    ActorSystem system = start("chora.serialization.max-message-bytes = 64 KiB");
    try {
      Serializer serializer = SerializationExtension.get(system).findSerializerFor(Samples.all().get("ViewRequest"));
      assertEquals(64 * 1024, assertInstanceOf(ChoraSerializer.class, serializer).maxMessageBytes());
    } finally {
      stop(system);
    }
  }
}
