package dev.chora.multijvm;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/**
 * An object in Pekko's serialized form, to cross the control channel: the same serializers as on
 * the cluster's wire, so a user's command and reply types need nothing beyond their usual binding.
 */
record Serialized(int serializerId, String manifest, byte[] bytes) {

  static Serialized of(ActorSystem<?> system, Object o) {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(system));
    Serializer serializer = serialization.findSerializerFor(o);
    return new Serialized(serializer.identifier(), Serializers.manifestFor(serializer, o), serializer.toBinary(o));
  }

  Object deserialize(ActorSystem<?> system) {
    return SerializationExtension.get(Adapter.toClassic(system)).deserialize(bytes, serializerId, manifest).get();
  }
}
