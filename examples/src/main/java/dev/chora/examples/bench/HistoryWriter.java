package dev.chora.examples.bench;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes every client operation as one JSON line, Jepsen style: which client, the operation, key
 * and value, when it was invoked and completed (nanoseconds on this JVM's monotonic clock, plus the
 * wall-clock time of invocation in ms), and how it ended: {@code "ok"} with the result,
 * {@code "fail"} (definitely not applied: refused by the entity or the node, or refused as
 * overloaded or of an expired session on every attempt) or {@code "info"} (outcome unknown: a
 * timeout, or such a refusal after an unanswered attempt — the command may still have applied).
 * Thread-safe.
 */
public final class HistoryWriter implements Closeable {
  private final BufferedWriter out;
  private final long wallAtStartMs = System.currentTimeMillis();
  private final long nanoAtStart = System.nanoTime();
  private long lines;

  public HistoryWriter(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
  }

  /**
   * @param type   "ok", "fail" or "info"
   * @param result the reply rendered as text, or the reason of a failure / timeout
   */
  public synchronized void write(String client, String op, String key, String value, long invokeNanos,
      long completeNanos, String type, String result) {
    StringBuilder b = new StringBuilder(160);
    b.append("{\"client\":");
    json(b, client);
    b.append(",\"op\":");
    json(b, op);
    b.append(",\"key\":");
    json(b, key);
    b.append(",\"value\":");
    json(b, value);
    b.append(",\"invoke_ns\":").append(invokeNanos - nanoAtStart);
    b.append(",\"complete_ns\":").append(completeNanos - nanoAtStart);
    b.append(",\"invoke_wall_ms\":").append(wallAtStartMs + (invokeNanos - nanoAtStart) / 1_000_000);
    b.append(",\"type\":");
    json(b, type);
    b.append(",\"result\":");
    json(b, result);
    b.append("}\n");
    try {
      out.write(b.toString());
      lines++;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public synchronized long lines() {
    return lines;
  }

  static void json(StringBuilder b, String s) {
    if (s == null) {
      b.append("null");
      return;
    }
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
