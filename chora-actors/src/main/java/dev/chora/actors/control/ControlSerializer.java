package dev.chora.actors.control;

import dev.chora.actors.ReplicaStatus;
import dev.chora.actors.StateDigest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Wire format of the status and digest queries and their answers, and of the replicas' peer-link
 * handshake ({@link PeerLinkRequest}, {@link PeerLinkGrant}): rare, small messages, so a plain
 * data stream with a one-letter manifest serves (the hot path has the Kryo serializer). Bound in
 * this module's reference.conf; identifier 0x43484f53 ("CHOS"), reserved.
 */
public final class ControlSerializer extends SerializerWithStringManifest {
  public static final int IDENTIFIER = 0x43484f53;
  private static final int MAX_BYTES = 64 * 1024;

  private final ActorRefResolver resolver;

  public ControlSerializer(ExtendedActorSystem system) {
    this.resolver = ActorRefResolver.get(Adapter.toTyped(system));
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof StatusQuery) {
      return "Q";
    } else if (o instanceof DigestQuery) {
      return "D";
    } else if (o instanceof ReplicaStatus) {
      return "S";
    } else if (o instanceof StateDigest) {
      return "G";
    } else if (o instanceof PeerLinkRequest) {
      return "L";
    } else if (o instanceof PeerLinkGrant) {
      return "K";
    }
    throw new IllegalArgumentException("ControlSerializer cannot serialize " + o.getClass().getName());
  }

  @Override
  public byte[] toBinary(Object o) {
    try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); DataOutputStream out = new DataOutputStream(bytes)) {
      if (o instanceof StatusQuery q) {
        out.writeUTF(resolver.toSerializationFormat(q.replyTo()));
      } else if (o instanceof DigestQuery q) {
        out.writeUTF(resolver.toSerializationFormat(q.replyTo()));
      } else if (o instanceof ReplicaStatus s) {
        writeStatus(out, s);
      } else if (o instanceof StateDigest d) {
        out.writeInt(d.replicaId());
        out.writeLong(d.executedRound());
        out.writeUTF(d.sha256());
      } else if (o instanceof PeerLinkRequest r) {
        out.writeInt(r.from());
        out.writeLong(r.nonce());
        out.writeBoolean(r.fresh());
      } else if (o instanceof PeerLinkGrant g) {
        out.writeInt(g.from());
        out.writeLong(g.nonce());
        out.writeUTF(resolver.toSerializationFormat(g.inbox()));
      } else {
        throw new IllegalArgumentException("ControlSerializer cannot serialize " + o.getClass().getName());
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    if (bytes.length > MAX_BYTES) {
      throw new NotSerializableException("control message of " + bytes.length + " bytes exceeds " + MAX_BYTES);
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      Object message = switch (manifest) {
        case "Q" -> new StatusQuery(resolver.<ReplicaStatus>resolveActorRef(in.readUTF()));
        case "D" -> new DigestQuery(resolver.<StateDigest>resolveActorRef(in.readUTF()));
        case "S" -> readStatus(in);
        case "G" -> new StateDigest(in.readInt(), in.readLong(), in.readUTF());
        case "L" -> new PeerLinkRequest(in.readInt(), in.readLong(), in.readBoolean());
        case "K" -> new PeerLinkGrant(in.readInt(), in.readLong(), resolver.resolveActorRef(in.readUTF()));
        default -> throw new NotSerializableException("unknown control manifest \"" + manifest + "\"");
      };
      if (in.available() > 0) {
        throw new NotSerializableException("control message " + manifest + ": " + in.available() + " trailing bytes");
      }
      return message;
    } catch (IOException | RuntimeException e) {
      if (e instanceof NotSerializableException n) {
        throw n;
      }
      throw new NotSerializableException("malformed control message " + manifest + ": " + e);
    }
  }

  /** Group by group, in the order of the record's components; {@link #readStatus} reads them back alike. */
  private static void writeStatus(DataOutputStream out, ReplicaStatus s) throws IOException {
    out.writeInt(s.replicaId());
    ReplicaStatus.View v = s.view();
    out.writeUTF(v.state().name());
    out.writeLong(v.number());
    out.writeInt(v.activeSet());
    ReplicaStatus.Progress p = s.progress();
    writeLongs(out, p.currentRound(), p.commitIndex(), p.executedRound(), p.stateRequests());
    ReplicaStatus.Rounds r = s.rounds();
    writeLongs(out, r.entered(), r.timedOut(), r.violations());
    out.writeDouble(r.timeoutMillis());
    out.writeDouble(r.commitLatencyP50Millis());
    out.writeDouble(r.commitLatencyP99Millis());
    ReplicaStatus.Requests q = s.requests();
    writeLongs(out, q.proposed(), q.executed());
    out.writeInt(q.queued());
    writeLongs(out, q.timed(), q.waitNanos(), q.replicationNanos());
    ReplicaStatus.ViewChanges c = s.viewChanges();
    writeLongs(out, c.started(), c.suspicions(), c.timeouts(), c.messagesInParts(), c.outsidersAnswered(),
        c.fallenBackTo());
    writeLongs(out, s.refused().forgedPeerMessages(), s.refused().fromNonMembers());
    out.writeBoolean(s.warmingUp());
    out.writeLong(s.sampledAtNanos());
    ReplicaStatus.Storage st = s.storage();
    out.writeBoolean(st.durable());
    out.writeUTF(st.dataDir());
    writeLongs(out, st.emittedSeq(), st.persistedSeq(), st.syncs());
    out.writeDouble(st.syncP50Millis());
    out.writeDouble(st.syncP99Millis());
    out.writeLong(st.bytesWritten());
    out.writeUTF(st.failure());
  }

  private static void writeLongs(DataOutputStream out, long... values) throws IOException {
    for (long v : values) {
      out.writeLong(v);
    }
  }

  private static ReplicaStatus readStatus(DataInputStream in) throws IOException {
    int id = in.readInt();
    ReplicaStatus.View view = new ReplicaStatus.View(ReplicaStatus.State.valueOf(in.readUTF()),
        in.readLong(), in.readInt());
    ReplicaStatus.Progress progress = new ReplicaStatus.Progress(in.readLong(), in.readLong(), in.readLong(),
        in.readLong());
    ReplicaStatus.Rounds rounds = new ReplicaStatus.Rounds(in.readLong(), in.readLong(), in.readLong(),
        in.readDouble(), in.readDouble(), in.readDouble());
    ReplicaStatus.Requests requests = new ReplicaStatus.Requests(in.readLong(), in.readLong(), in.readInt(),
        in.readLong(), in.readLong(), in.readLong());
    ReplicaStatus.ViewChanges viewChanges = new ReplicaStatus.ViewChanges(in.readLong(), in.readLong(),
        in.readLong(), in.readLong(), in.readLong(), in.readLong());
    ReplicaStatus.Refused refused = new ReplicaStatus.Refused(in.readLong(), in.readLong());
    boolean warmingUp = in.readBoolean();
    long sampledAt = in.readLong();
    ReplicaStatus.Storage storage = new ReplicaStatus.Storage(in.readBoolean(), in.readUTF(), in.readLong(),
        in.readLong(), in.readLong(), in.readDouble(), in.readDouble(), in.readLong(), in.readUTF());
    return new ReplicaStatus(id, view, progress, rounds, requests, viewChanges, refused, warmingUp, sampledAt,
        storage);
  }
}
