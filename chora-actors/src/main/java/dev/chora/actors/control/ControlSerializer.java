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
 * Wire format of the status and digest queries and their answers: rare, small messages, so a plain
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
        out.writeInt(s.replicaId());
        out.writeUTF(s.status());
        for (long v : new long[] {s.view(), s.activeSet(), s.currentRound(), s.commitIndex(), s.executedRound(),
            s.roundsEntered(), s.violations(), s.viewChanges(), s.requestsProposed(), s.requestsExecuted(),
            s.queuedRequests(), s.roundsTimedOut(), s.suspicions(), s.stateRequests(), s.viewChangeTimeouts(),
            s.viewChangeMessagesInParts(), s.outsiderViewChangesAnswered(), s.viewsFallenBackTo(), s.sampledAtNanos()}) {
          out.writeLong(v);
        }
        out.writeDouble(s.commitLatencyP50Ms());
        out.writeDouble(s.commitLatencyP99Ms());
        out.writeDouble(s.roundTimeoutMs());
        out.writeBoolean(s.warmingUp());
      } else if (o instanceof StateDigest d) {
        out.writeInt(d.replicaId());
        out.writeLong(d.executedRound());
        out.writeUTF(d.sha256());
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

  private static ReplicaStatus readStatus(DataInputStream in) throws IOException {
    int id = in.readInt();
    String status = in.readUTF();
    long[] v = new long[19];
    for (int i = 0; i < v.length; i++) {
      v[i] = in.readLong();
    }
    double p50 = in.readDouble();
    double p99 = in.readDouble();
    double roundTimeout = in.readDouble();
    boolean warmingUp = in.readBoolean();
    return new ReplicaStatus(id, status, v[0], (int) v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9],
        (int) v[10], p50, p99, roundTimeout, v[11], v[12], v[13], v[14], v[15], v[16], v[17], warmingUp, v[18]);
  }
}
