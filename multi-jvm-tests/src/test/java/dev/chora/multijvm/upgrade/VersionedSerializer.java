package dev.chora.multijvm.upgrade;

import java.io.NotSerializableException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * The journal's serializer as an application writes one, with a manifest per class, in two
 * versions at once: version 2 on a node without a replica (the test JVM, a client node upgraded
 * first), version 1 on the replicas, which refuse the manifest they do not know as any such
 * serializer does, with {@link NotSerializableException}.
 */
public final class VersionedSerializer extends SerializerWithStringManifest {
  static final int ID = 7326;
  static final String APPEND = "append";
  static final String STAMP = "stamp-v2";
  static final String LINES = "lines";

  private final int version;

  public VersionedSerializer(ExtendedActorSystem system) {
    this.version = system.settings().config().getInt("chora.replica-id") < 0 ? 2 : 1;
  }

  @Override
  public int identifier() {
    return ID;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof Journal.Append) {
      return APPEND;
    } else if (o instanceof Journal.Stamp) {
      return STAMP;
    }
    return LINES;
  }

  @Override
  public byte[] toBinary(Object o) {
    String text;
    if (o instanceof Journal.Append a) {
      text = a.line();
    } else if (o instanceof Journal.Stamp s) {
      text = s.line();
    } else {
      text = String.join("\n", ((Journal.Lines) o).lines());
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (manifest.equals(APPEND)) {
      return new Journal.Append(text);
    } else if (manifest.equals(STAMP) && version >= 2) {
      return new Journal.Stamp(text);
    } else if (manifest.equals(LINES)) {
      return new Journal.Lines(text.isEmpty() ? List.of() : Arrays.asList(text.split("\n")));
    }
    throw new NotSerializableException("unknown manifest \"" + manifest + "\" for VersionedSerializer version "
        + version);
  }
}
