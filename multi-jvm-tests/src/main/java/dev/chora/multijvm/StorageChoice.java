package dev.chora.multijvm;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.chora.transport.launch.LocalClusterLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * Whether the replicas of a {@link ChoraCluster} keep their log and snapshots on disk ({@code
 * chora.storage.mode}), and emptying a replica's data directory for a restart with the state lost.
 *
 * <p>Each replica's data directory ({@code chora.storage.data-dir}) is chora-transport's {@link
 * LocalClusterLauncher#dataDirectory(int)}: {@code data/replica-<id>} in the run directory, the
 * same for every incarnation, so that a replica killed and started again from disk finds what it
 * wrote ({@link ChoraNode#restartFromDisk()}), and never a directory of an earlier run (the
 * library's default, below the working directory, would be shared by every run of a test class).
 * The launcher deletes them when the cluster closes, unless the builder keeps them.
 *
 * <p>A Chora without {@code chora.storage} in its reference configuration (before durable mode)
 * gets no storage settings at all: its replicas are diskless, and asking for durable mode fails.
 */
final class StorageChoice {
  static final String MODE_PATH = "chora.storage.mode";
  static final String DIR_PATH = "chora.storage.data-dir";

  private final boolean supported;
  private final boolean durable;
  private final String explicitMode;

  /**
   * @param requested the builder's choice (true durable, false memory), or null for the library's
   *                  default (or what the test's HOCON says)
   * @param userHocon the test's HOCON, which may set {@value #MODE_PATH}
   */
  StorageChoice(Boolean requested, List<String> userHocon) {
    Config reference = ConfigFactory.defaultReference();
    this.supported = reference.hasPath(MODE_PATH);
    if (!supported) {
      if (Boolean.TRUE.equals(requested)) {
        throw new IllegalArgumentException("durable(true): this Chora has no durable mode (no " + MODE_PATH
            + " in its reference.conf); its replicas keep everything in memory");
      }
      this.durable = false;
      this.explicitMode = null;
      return;
    }
    Config user = ConfigFactory.empty();
    for (String c : userHocon) {
      user = ConfigFactory.parseString(c).withFallback(user);
    }
    this.explicitMode = requested == null ? null : requested ? "durable" : "memory";
    String mode = explicitMode != null ? explicitMode : user.withFallback(reference).getString(MODE_PATH);
    this.durable = "durable".equals(mode);
  }

  /** Whether the replicas keep their log and snapshots on disk. */
  boolean durable() {
    return durable;
  }

  /** Whether the library has storage settings at all (else none are written). */
  boolean supported() {
    return supported;
  }

  /** The mode the builder asked for, to be written into every node's file; null leaves it to the HOCON or library. */
  String explicitMode() {
    return explicitMode;
  }

  /** Deletes the data directory {@code dir}, as a disk lost with its machine; its JVM must not run. */
  static void wipe(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          deleteIfThere(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          if (e != null) {
            throw e;
          }
          deleteIfThere(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot empty the data directory " + dir, e);
    }
  }

  private static void deleteIfThere(Path p) throws IOException {
    try {
      Files.delete(p);
    } catch (NoSuchFileException e) {
      // gone already
    }
  }
}
