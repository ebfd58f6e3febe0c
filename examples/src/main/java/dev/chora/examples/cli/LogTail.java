package dev.chora.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/** Follows a growing log file, returning only complete lines (a line being written is held back). */
public final class LogTail implements AutoCloseable {
  private final InputStream in;
  private final Deque<String> lines = new ArrayDeque<>();
  private final Deque<String> recent = new ArrayDeque<>();
  private final byte[] buffer = new byte[8192];
  private final java.io.ByteArrayOutputStream partialBytes = new java.io.ByteArrayOutputStream();

  public LogTail(Path file) throws IOException {
    this.in = Files.newInputStream(file);
  }

  /** The next complete line, or null if none has been written yet. */
  public String nextLine() throws IOException {
    if (lines.isEmpty()) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        for (int i = 0; i < n; i++) {
          if (buffer[i] == '\n') {
            String line = partialBytes.toString(StandardCharsets.UTF_8);
            partialBytes.reset();
            lines.add(line);
          } else {
            partialBytes.write(buffer[i]);
          }
        }
      }
    }
    String line = lines.poll();
    if (line != null) {
      recent.add(line);
      if (recent.size() > 50) {
        recent.poll();
      }
    }
    return line;
  }

  /** The last {@code n} lines returned, for error messages. */
  public String last(int n) {
    StringBuilder b = new StringBuilder();
    int skip = Math.max(0, recent.size() - n);
    for (String l : recent) {
      if (skip-- > 0) {
        continue;
      }
      b.append("  ").append(l).append('\n');
    }
    return b.toString();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
