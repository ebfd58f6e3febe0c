package dev.chora.multijvm;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The node JVMs' classpath with each {@code -SNAPSHOT.jar} replaced by a copy made once per test
 * JVM: a {@code mvn install} in another shell while the tests run rewrites those jars in place,
 * and a node JVM starting (or loading a class) at that moment would fail or run other code than
 * the test JVM (see {@link ChoraCluster.Builder#snapshotClasspath}).
 */
final class ClasspathSnapshot {
  private static final Map<String, String> SNAPSHOTS = new HashMap<>();

  private ClasspathSnapshot() {}

  /** {@code classpath} with its snapshot jars copied under {@code logRoot}; the same copies for the same classpath. */
  static synchronized String of(String classpath, Path logRoot) throws IOException {
    String cached = SNAPSHOTS.get(classpath);
    if (cached != null) {
      return cached;
    }
    Path dir = logRoot.resolve("classpath-" + ProcessHandle.current().pid()).toAbsolutePath();
    Files.createDirectories(dir);
    List<String> entries = new ArrayList<>();
    int i = 0;
    for (String e : classpath.split(File.pathSeparator)) {
      Path p = Path.of(e);
      if (e.endsWith("-SNAPSHOT.jar") && Files.isRegularFile(p)) {
        Path copy = dir.resolve((i++) + "-" + p.getFileName());
        Files.copy(p, copy, StandardCopyOption.REPLACE_EXISTING);
        entries.add(copy.toString());
      } else {
        entries.add(e);
      }
    }
    String snapshot = String.join(File.pathSeparator, entries);
    SNAPSHOTS.put(classpath, snapshot);
    return snapshot;
  }
}
