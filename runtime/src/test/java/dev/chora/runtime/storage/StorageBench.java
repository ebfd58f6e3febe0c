package dev.chora.runtime.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Group-commit throughput and sync latency of the {@link SegmentedLog} on a real directory, beside
 * the raw cost of a write plus fdatasync on the same disk, so the log's overhead shows. Not a test:
 * run it by hand on the disk that will hold the data (never tmpfs, where a sync costs nothing).
 *
 * <pre>
 * mvn -B -q -pl runtime -am test-compile
 * java -cp runtime/target/classes:runtime/target/test-classes dev.chora.runtime.storage.StorageBench DIR [SECONDS]
 * </pre>
 * Each configuration runs for SECONDS (default 5) after a one-second warm-up, in a fresh
 * subdirectory of DIR that is deleted afterwards.
 */
public final class StorageBench {
  private StorageBench() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: StorageBench DIR [SECONDS]");
      System.exit(2);
    }
    Path root = Path.of(args[0]).toAbsolutePath();
    long seconds = args.length > 1 ? Long.parseLong(args[1]) : 5;
    System.out.printf("storage bench in %s, %d s per configuration, java %s%n", root, seconds, System.getProperty("java.version"));
    System.out.printf("%-34s %12s %10s %14s %10s %10s %10s%n", "configuration", "appends/s", "syncs/s", "bytes/sync", "p50 ms", "p99 ms", "max ms");
    raw(root.resolve("raw"), seconds, 4096);
    log(root.resolve("log-1x4k"), seconds, 1, 4096);
    log(root.resolve("log-8x512"), seconds, 8, 512);
    log(root.resolve("log-64x4k"), seconds, 64, 4096);
  }

  /** The floor: one 4 KiB positional write and one force(false) per round, no framing, no log. */
  private static void raw(Path dir, long seconds, int bytes) throws IOException {
    Files.createDirectories(dir);
    Recorder recorder = new Recorder();
    ByteBuffer block = ByteBuffer.allocate(bytes);
    try (FileChannel channel = FileChannel.open(dir.resolve("raw"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      long position = 0;
      long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      long end = warmEnd + TimeUnit.SECONDS.toNanos(seconds);
      for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
        block.clear();
        long start = System.nanoTime();
        position += channel.write(block, position);
        channel.force(false);
        recorder.add(start >= warmEnd, 1, bytes, System.nanoTime() - start);
      }
    }
    recorder.print("raw write+fdatasync 4096 B");
    deleteTree(dir);
  }

  private static void log(Path dir, long seconds, int recordsPerSync, int recordBytes) throws IOException {
    Recorder recorder = new Recorder();
    byte[] payload = new byte[recordBytes];
    Arrays.fill(payload, (byte) 0x5A);
    try (SegmentedLog log = SegmentedLog.open(FileDisk.open(dir), LogOptions.DEFAULTS, r -> { })) {
      long index = 0;
      long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      long end = warmEnd + TimeUnit.SECONDS.toNanos(seconds);
      for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
        long written = log.bytesWritten();
        long start = System.nanoTime();
        for (int i = 0; i < recordsPerSync; i++) {
          log.append(++index, 1, payload);
        }
        log.sync();
        recorder.add(start >= warmEnd, recordsPerSync, log.bytesWritten() - written, System.nanoTime() - start);
        if (log.segmentCount() > 4) {
          log.truncatePrefix(index);
        }
      }
    }
    recorder.print(String.format("log %d x %d B per sync", recordsPerSync, recordBytes));
    deleteTree(dir);
  }

  /** Latencies and counts after the warm-up. */
  private static final class Recorder {
    private long[] latencies = new long[1 << 16];
    private int syncs;
    private long appends;
    private long bytes;
    private long firstNanos;
    private long lastNanos;

    void add(boolean measured, int records, long written, long latencyNanos) {
      if (!measured) {
        return;
      }
      long now = System.nanoTime();
      if (syncs == 0) {
        firstNanos = now - latencyNanos;
      }
      lastNanos = now;
      if (syncs == latencies.length) {
        latencies = Arrays.copyOf(latencies, 2 * syncs);
      }
      latencies[syncs++] = latencyNanos;
      appends += records;
      bytes += written;
    }

    void print(String name) {
      double elapsed = (lastNanos - firstNanos) / 1e9;
      long[] sorted = Arrays.copyOf(latencies, syncs);
      Arrays.sort(sorted);
      System.out.printf("%-34s %12.0f %10.0f %14.0f %10.3f %10.3f %10.3f%n", name, appends / elapsed, syncs / elapsed,
          (double) bytes / syncs, sorted[syncs / 2] / 1e6, sorted[(int) (syncs * 0.99)] / 1e6, sorted[syncs - 1] / 1e6);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
