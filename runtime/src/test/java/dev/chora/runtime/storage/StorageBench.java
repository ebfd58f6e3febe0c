package dev.chora.runtime.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
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
 * The configurations take turns in half-second slices for SECONDS each (default 10), after a
 * one-second warm-up each, so that on a shared machine they all see the same neighbours. Each
 * works in a fresh subdirectory of DIR, deleted afterwards.
 */
public final class StorageBench {
  private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private StorageBench() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: StorageBench DIR [SECONDS]");
      System.exit(2);
    }
    Path root = Path.of(args[0]).toAbsolutePath();
    long seconds = args.length > 1 ? Long.parseLong(args[1]) : 10;
    List<Config> configs = List.of(
        new Raw(root.resolve("raw"), 4096),
        new Log(root.resolve("log-1x4096"), 1, 4096),
        new Log(root.resolve("log-8x512"), 8, 512),
        new Log(root.resolve("log-64x4096"), 64, 4096));
    for (Config config : configs) {
      runFor(config, TimeUnit.SECONDS.toNanos(1));
      config.recorder = new Recorder();
    }
    for (long slices = seconds * 2; slices > 0; slices--) {
      for (Config config : configs) {
        runFor(config, SLICE_NANOS);
      }
    }
    System.out.printf("storage bench in %s, %d s per configuration in %d ms turns, java %s%n", root, seconds,
        TimeUnit.NANOSECONDS.toMillis(SLICE_NANOS), System.getProperty("java.version"));
    System.out.printf("%-30s %12s %10s %12s %9s %9s %9s%n", "configuration", "appends/s", "syncs/s", "bytes/sync", "p50 ms", "p99 ms", "max ms");
    for (Config config : configs) {
      config.recorder.print(config.name);
      config.close();
      deleteTree(config.dir);
    }
  }

  private static void runFor(Config config, long nanos) throws IOException {
    long end = System.nanoTime() + nanos;
    while (System.nanoTime() < end) {
      config.commit();
    }
  }

  /** One kind of group commit: {@link #commit()} writes one group and syncs it, and records it. */
  private abstract static class Config implements Closeable {
    final String name;
    final Path dir;
    Recorder recorder = new Recorder();

    Config(String name, Path dir) {
      this.name = name;
      this.dir = dir;
    }

    abstract void commit() throws IOException;
  }

  /** The floor: one positional write and one force(false) per commit, no framing, no log. */
  private static final class Raw extends Config {
    private final FileChannel channel;
    private final ByteBuffer block;
    private long position;

    Raw(Path dir, int bytes) throws IOException {
      super("raw write+fdatasync " + bytes + " B", dir);
      Files.createDirectories(dir);
      channel = FileChannel.open(dir.resolve("raw"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      block = ByteBuffer.allocate(bytes);
    }

    @Override
    void commit() throws IOException {
      block.clear();
      long start = System.nanoTime();
      position += channel.write(block, position);
      channel.force(false);
      recorder.add(1, block.capacity(), System.nanoTime() - start);
      if (position > 64L << 20) {
        channel.truncate(0);
        position = 0;
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /** The log: records appended, then one sync; whole segments below are dropped as it goes. */
  private static final class Log extends Config {
    private final SegmentedLog log;
    private final int records;
    private final byte[] payload;
    private long index;

    Log(Path dir, int records, int recordBytes) throws IOException {
      super(String.format("log %d x %d B per sync", records, recordBytes), dir);
      this.log = SegmentedLog.open(FileDisk.open(dir), LogOptions.DEFAULTS, r -> { });
      this.records = records;
      this.payload = new byte[recordBytes];
      Arrays.fill(payload, (byte) 0x5A);
    }

    @Override
    void commit() throws IOException {
      long written = log.bytesWritten();
      long start = System.nanoTime();
      for (int i = 0; i < records; i++) {
        log.append(++index, 1, payload);
      }
      log.sync();
      recorder.add(records, log.bytesWritten() - written, System.nanoTime() - start);
      if (log.segmentCount() > 2) {
        log.truncatePrefix(index);
      }
    }

    @Override
    public void close() throws IOException {
      log.close();
    }
  }

  /** Latencies and counts; throughput over the time spent committing. */
  private static final class Recorder {
    private long[] latencies = new long[1 << 16];
    private int commits;
    private long appends;
    private long bytes;
    private long busyNanos;

    void add(int records, long written, long latencyNanos) {
      if (commits == latencies.length) {
        latencies = Arrays.copyOf(latencies, 2 * commits);
      }
      latencies[commits++] = latencyNanos;
      appends += records;
      bytes += written;
      busyNanos += latencyNanos;
    }

    void print(String name) {
      double seconds = busyNanos / 1e9;
      long[] sorted = Arrays.copyOf(latencies, commits);
      Arrays.sort(sorted);
      System.out.printf("%-30s %12.0f %10.0f %12.0f %9.3f %9.3f %9.3f%n", name, appends / seconds, commits / seconds,
          (double) bytes / commits, sorted[commits / 2] / 1e6, sorted[(int) (commits * 0.99)] / 1e6, sorted[commits - 1] / 1e6);
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
