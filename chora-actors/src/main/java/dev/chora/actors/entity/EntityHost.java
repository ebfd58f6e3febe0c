package dev.chora.actors.entity;

import dev.chora.runtime.spi.StateMachine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/**
 * The replicated state machine behind entity types: many entities of many types share one Chora
 * log. A command names its type and entity; the entity is created on first use by its type's
 * factory. Commands and replies are serialized with Pekko's serialization, so each user type keeps
 * the serializer registered for it. Entities are kept in a sorted map, so snapshots are the same
 * bytes on every replica.
 */
public final class EntityHost implements StateMachine {
  private final Serialization serialization;
  private final Map<String, EntityType<?, ?>> types = new HashMap<>();
  private final TreeMap<String, TreeMap<String, ReplicatedEntity<Object, Object>>> entities = new TreeMap<>();
  /**
   * The last snapshot's size. A snapshot is taken every snapshot-every-rounds rounds, often
   * several a second under load: starting its buffer at the last size spares the doubling copies.
   */
  private int lastSnapshotBytes = 256;
  /**
   * Every reply is serialized, and Pekko's lookup by value took about a tenth of a replica's
   * executor time in a profile under load (tcp, 256 in flight); the serializer of a class does not
   * change while the system runs, so it is looked up once per reply class.
   */
  private final ClassValue<Serializer> serializerByClass = new ClassValue<>() {
    @Override
    protected Serializer computeValue(Class<?> type) {
      try {
        return serialization.serializerFor(type);
      } catch (java.io.NotSerializableException e) {
        // As findSerializerFor does: the caller's catch turns it into a failure reply.
        throw new IllegalArgumentException("no serializer for reply " + type.getName() + ": " + e.getMessage(), e);
      }
    }
  };

  public EntityHost(Serialization serialization, List<? extends EntityType<?, ?>> entityTypes) {
    this.serialization = serialization;
    for (EntityType<?, ?> t : entityTypes) {
      if (types.put(t.key().name(), t) != null) {
        throw new IllegalArgumentException("entity type \"" + t.key().name() + "\" is declared twice");
      }
    }
  }

  /**
   * Never throws: every replica applies the same committed command, so an exception here would stop
   * every replica. A command that cannot be decoded, or whose entity throws (a checked exception
   * too), is answered with a failure instead, the same on every replica, and the executor records
   * it as the command's reply, so a retry gets the same answer. An {@link Error} still propagates.
   */
  @Override
  public byte[] apply(byte[] command) {
    return answer(command, false).encode();
  }

  /**
   * A round-barrier read of one entity. It must change nothing (it runs on one replica only), so
   * an entity that does not exist yet is not created: a fresh one answers and is thrown away.
   */
  @Override
  public byte[] query(byte[] query) {
    return answer(query, true).encode();
  }

  private Envelope answer(byte[] bytes, boolean read) {
    Envelope in;
    try {
      in = Envelope.decode(bytes);
    } catch (RuntimeException e) {
      return Envelope.notDecoded("the command could not be decoded: " + e.getMessage());
    }
    if (!read && in.entityId().length() > Envelope.MAX_NAME_CHARS) {
      // Refused before it exists: a snapshot could not hold its id, and every snapshot would fail.
      return Envelope.failure("the entity id has " + in.entityId().length() + " characters; at most "
          + Envelope.MAX_NAME_CHARS + " are allowed");
    }
    EntityType<?, ?> type = types.get(in.type());
    if (type == null) {
      return Envelope.failure("no entity type \"" + in.type() + "\" on this replica: declare it in startReplica");
    }
    Object message;
    try {
      message = serialization.deserialize(in.payload(), in.serializerId(), in.manifest()).get();
    } catch (Exception e) {
      // Pekko's Try.get rethrows the NotSerializableException of an unknown serializer id or manifest.
      return Envelope.notDecoded(CommandFailures.notDecoded(in, e));
    }
    try {
      ReplicatedEntity<Object, Object> entity = read ? existingOrFresh(type, in.entityId())
          : entity(in.type(), in.entityId());
      return serialize(read ? entity.query(message) : entity.handle(message));
    } catch (Exception e) {
      return Envelope.failure(CommandFailures.failed(in, message, e));
    }
  }

  Envelope serialize(Object value) {
    Serializer serializer = value == null ? serialization.findSerializerFor(null)
        : serializerByClass.get(value.getClass());
    return new Envelope("", "", serializer.identifier(), Serializers.manifestFor(serializer, value),
        serializer.toBinary(value));
  }

  @SuppressWarnings("unchecked")
  private ReplicatedEntity<Object, Object> entity(String type, String id) {
    EntityType<?, ?> t = types.get(type);
    if (t == null) {
      return null;
    }
    return entities.computeIfAbsent(type, k -> new TreeMap<>())
        .computeIfAbsent(id, k -> (ReplicatedEntity<Object, Object>) t.factory().apply(id));
  }

  /** The entity if it exists, else a fresh one that is not kept: a read creates nothing. */
  @SuppressWarnings("unchecked")
  private ReplicatedEntity<Object, Object> existingOrFresh(EntityType<?, ?> type, String id) {
    TreeMap<String, ReplicatedEntity<Object, Object>> ofType = entities.get(type.key().name());
    ReplicatedEntity<Object, Object> entity = ofType == null ? null : ofType.get(id);
    return entity != null ? entity : (ReplicatedEntity<Object, Object>) type.factory().apply(id);
  }

  @Override
  public byte[] snapshot() {
    try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(lastSnapshotBytes + lastSnapshotBytes / 8);
        DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(entities.size());
      for (Map.Entry<String, TreeMap<String, ReplicatedEntity<Object, Object>>> type : entities.entrySet()) {
        out.writeUTF(type.getKey());
        out.writeInt(type.getValue().size());
        for (Map.Entry<String, ReplicatedEntity<Object, Object>> e : type.getValue().entrySet()) {
          out.writeUTF(e.getKey());
          byte[] state = e.getValue().snapshot();
          out.writeInt(state.length);
          out.write(state);
        }
      }
      out.flush();
      lastSnapshotBytes = bytes.size();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void restore(byte[] snapshot) {
    entities.clear();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
      int typeCount = in.readInt();
      for (int t = 0; t < typeCount; t++) {
        String type = in.readUTF();
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
          String id = in.readUTF();
          byte[] state = new byte[in.readInt()];
          in.readFully(state);
          ReplicatedEntity<Object, Object> entity = entity(type, id);
          if (entity == null) {
            throw new IllegalStateException("the snapshot holds entities of type \"" + type
                + "\", which this replica does not declare");
          }
          entity.restore(state);
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("not a snapshot written by EntityHost: " + e.getMessage(), e);
    }
  }
}
