package dev.chora.transport.launch;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Where a node's embedded media driver lives. With {@code aeron-dir} empty, Pekko puts each
 * node's driver in a directory of its own under Aeron's default one ({@code /dev/shm/aeron-<user>})
 * and deletes it at shutdown, but not the default directory it created above it, which would
 * stay behind, empty, after every run. A node given a unique directory instead leaves nothing after an
 * orderly shutdown: Pekko deletes that directory itself ({@code delete-aeron-dir}). Decided in the
 * node's own JVM, so that two nodes can never share one.
 *
 * <p>A node killed outright cannot delete it, and its log buffers would stay in /dev/shm, that is
 * in RAM. So the directory carries the shared driver's prefix ({@link MediaDriverProcess#DIRECTORY_PREFIX}),
 * and each new one first sweeps away those whose driver is gone, as a shared driver's start does.
 */
public final class EmbeddedDriverDirectory {
  private static final String AERON = "pekko.remote.artery.advanced.aeron.";
  /** After the shared prefix, so that a directory's name tells an embedded driver's from a shared one's. */
  static final String EMBEDDED = "embedded-";

  private EmbeddedDriverDirectory() {}

  /** {@code config} with a directory of this JVM's own for an embedded driver in Pekko's default place; otherwise as it was. */
  public static Config ownDirectory(Config config) {
    boolean embeddedInDefaultPlace = "aeron-udp".equals(config.getString("pekko.remote.artery.transport"))
        && config.getBoolean(AERON + "embedded-media-driver") && config.getString(AERON + "aeron-dir").isEmpty();
    if (!embeddedInDefaultPlace) {
      return config;
    }
    Path base = MediaDriverProcess.baseDirectory();
    MediaDriverProcess.sweepStaleDirectories(base);
    Path dir = base.resolve(MediaDriverProcess.DIRECTORY_PREFIX + EMBEDDED + UUID.randomUUID());
    return config.withValue(AERON + "aeron-dir", ConfigValueFactory.fromAnyRef(dir.toString()));
  }
}
