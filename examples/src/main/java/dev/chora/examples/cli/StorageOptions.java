package dev.chora.examples.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --storage durable|memory} and {@code --data-dir DIR}, shared by {@code chora node},
 * {@code chora demo} and {@code chora bench}: whether replicas keep their log on disk (durable, the
 * default, as in the library) and where.
 */
public final class StorageOptions {
  @Option(names = "--storage", paramLabel = "MODE",
      description = "durable (the default: every acknowledged write on disk, restart from disk) or memory (nothing"
          + " on disk: a restarted replica recovers from its peers)")
  String mode;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "durable mode: where the data goes (chora node: this replica's directory; demo and bench: one"
          + " directory per replica below it, kept afterwards). Never tmpfs such as /dev/shm")
  Path dataDir;

  /** Adds what is wrong with the two options to {@code problems}: a command checks them with its others. */
  public void check(java.util.List<String> problems) {
    try {
      modeOrNull();
      dataDirOrNull();
    } catch (CliException e) {
      problems.add(e.getMessage());
    }
  }

  /** The mode given, or null if the option was not given. */
  public String modeOrNull() {
    if (mode == null) {
      return null;
    }
    String m = mode.trim().toLowerCase(java.util.Locale.ROOT);
    if (!m.equals("durable") && !m.equals("memory")) {
      throw new CliException("--storage " + mode + ": use durable (log on disk, the default) or memory (nothing on"
          + " disk)");
    }
    return m;
  }

  /** The mode to run: the one given, else durable. */
  public String mode() {
    String m = modeOrNull();
    return m == null ? "durable" : m;
  }

  /** The data directory given, or null. Refused with --storage memory, which writes nothing. */
  public Path dataDirOrNull() {
    if (dataDir != null && "memory".equals(modeOrNull())) {
      throw new CliException("--data-dir " + dataDir + " with --storage memory: memory mode writes nothing; drop one"
          + " of them");
    }
    if (dataDir != null && dataDir.toAbsolutePath().normalize().startsWith(Path.of("/dev/shm"))) {
      throw new CliException("--data-dir " + dataDir + " is in /dev/shm (tmpfs, memory): a sync persists nothing"
          + " there; name a directory on a disk");
    }
    return dataDir == null ? null : dataDir.toAbsolutePath().normalize();
  }
}
