package dev.chora.transport.launch;

import io.aeron.CncFileDescriptor;
import io.aeron.CommonContext;
import io.aeron.driver.status.SystemCounterDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

/**
 * One Aeron media driver in its own JVM, shared by every node of this host that uses Artery's
 * aeron-udp transport with {@link ArteryTransport#aeronShared}.
 *
 * <p>Why a shared driver: a media driver is a set of busy-polling threads. Embedded in every
 * node, N nodes on one small machine run N drivers that compete for the cores with the nodes
 * themselves, and the round trip grows by an order of magnitude (see docs/transport.md for the
 * figures measured on two cores). One driver per host, in SHARED threading mode (conductor,
 * sender and receiver on one thread), spends one thread on it for the whole host.
 *
 * <p>Each driver gets a fresh directory (under /dev/shm when it exists, so that the log buffers
 * live in memory, else under java.io.tmpdir): a directory whose driver is still alive is refused
 * by the next driver with {@code ActiveDriverException}, and reusing one that a crashed driver
 * left behind mixes in stale state. The directory is removed on {@link #close()}, by a shutdown
 * hook of this JVM, and, for directories left by a SIGKILLed parent, by the next start on this
 * host once their driver has been silent for {@link #STALE_AFTER}.
 *
 * <p>Close the nodes before the driver: a node whose driver disappears terminates its actor
 * system after Artery's {@code advanced.aeron.driver-timeout}.
 */
public final class MediaDriverProcess implements AutoCloseable {

  /** Prefix of the directories this class creates; the stale sweep touches nothing else. */
  public static final String DIRECTORY_PREFIX = "chora-aeron-";

  /** A directory whose driver has not heartbeated for this long is dead (or paused far too long). */
  static final Duration STALE_AFTER = Duration.ofMinutes(10);

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  private static final Set<MediaDriverProcess> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      for (MediaDriverProcess d : OPEN) {
        d.process.kill();
        deleteRecursively(d.directory);
      }
    }, "chora-aeron-dir-cleanup"));
  }

  /**
   * How long the driver waits before it declares a silent client dead, and before it unblocks a
   * publication that a client claimed space in and never completed.
   *
   * <p>Why they matter here: the driver shares one network publication among all its clients that
   * send on the same channel and stream, so every node of this host sending to node X on one of
   * Artery's streams writes into the same log buffer. A node killed (or paused) in the middle of
   * writing a message leaves a claim that is never completed, and nothing behind it, from any
   * node, reaches X until the driver unblocks the publication after {@code publicationUnblock}.
   * Aeron requires that to exceed {@code clientLiveness}, the time after which a client that
   * stopped heartbeating (killed, or paused as by a long GC or SIGSTOP) is dropped; a dropped
   * client that comes back finds its Aeron connection closed, and Artery then terminates its
   * actor system. So: the longest pause a node survives, against the longest stall a node killed
   * mid-send can inflict on its neighbours' traffic to one destination.
   */
  public record Timeouts(Duration clientLiveness, Duration publicationUnblock) {

    /**
     * A node survives pauses of up to 10 s (Aeron's own default); a node killed mid-send stalls
     * the others' stream to one destination for 11 s. Artery's embedded-driver defaults (20 s and
     * 40 s) would stall it for 40 s, longer than a fault test's failover may take (docs/testing.md).
     */
    public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(11));

    public Timeouts {
      if (clientLiveness.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("client liveness timeout " + clientLiveness + " is below 1 s: the"
            + " driver checks clients once a second and Aeron clients heartbeat every 500 ms; raise it");
      }
      if (publicationUnblock.compareTo(clientLiveness) <= 0) {
        throw new IllegalArgumentException("publication unblock timeout " + publicationUnblock + " must exceed the"
            + " client liveness timeout " + clientLiveness + " (Aeron refuses to start otherwise): a live but"
            + " paused client may still complete its claim until it is declared dead");
      }
    }
  }

  /**
   * Parameters of the driver thread's backoff: spin {@code maxSpins} times, then yield
   * {@code maxYields} times, then park from {@code minParkNanos} doubling up to
   * {@code maxParkNanos}, until work arrives.
   *
   * <p>The trade: the longer the driver may park, the less CPU an idle host burns and the later it
   * notices the first message after a quiet spell. Chora's replicas exchange messages every round
   * (every few milliseconds at most), so the driver is rarely idle for long under load.
   */
  public record Idle(long maxSpins, long maxYields, long minParkNanos, long maxParkNanos) {

    /**
     * Aeron's own backoff parameters (10 spins, 20 yields, then parks of 1 µs doubling up to
     * 1 ms). Shorter parks or more spinning buy no clear latency on a small host but multiply the
     * driver's idle CPU, and a driver that spins takes the cores its own nodes need under load
     * (measured with {@code TransportProbe}, docs/transport.md).
     */
    public static final Idle DEFAULT = new Idle(10, 20, 1_000, 1_000_000);

    public Idle {
      if (maxSpins < 0 || maxYields < 0 || minParkNanos < 1 || maxParkNanos < minParkNanos) {
        throw new IllegalArgumentException("bad idle parameters: " + maxSpins + "," + maxYields + ","
            + minParkNanos + "," + maxParkNanos);
      }
    }

    /** The {@code maxSpins,maxYields,minParkNanos,maxParkNanos} form of {@link #parse}. */
    public String property() {
      return maxSpins + "," + maxYields + "," + minParkNanos + "," + maxParkNanos;
    }

    public static Idle parse(String s) {
      String[] p = s.split(",");
      if (p.length != 4) {
        throw new IllegalArgumentException("expected maxSpins,maxYields,minParkNanos,maxParkNanos: " + s);
      }
      try {
        return new Idle(Long.parseLong(p[0].trim()), Long.parseLong(p[1].trim()),
            Long.parseLong(p[2].trim()), Long.parseLong(p[3].trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected four whole numbers maxSpins,maxYields,minParkNanos,maxParkNanos: "
            + s);
      }
    }
  }

  /**
   * The largest UDP payload the driver sends, frame header included ({@code aeron.mtu.length}). A
   * message longer than this less the 32-byte header travels as several frames: one
   * {@code sendmsg} and one {@code recvmsg} each on the driver's one thread, and one fragment each
   * for the receiving node to poll and reassemble.
   *
   * <p>Why {@link #LOOPBACK} by default: the nodes on this driver bind to a loopback address
   * ({@link ArteryTransport#HOST}), and Linux's loopback interface carries 64 KiB datagrams whole.
   * Chora's round messages and client batches run to a few KiB under load, two to five frames
   * each at Aeron's default of 1408 bytes and one at 64 KiB, which saves the driver's one thread
   * most of its system calls and raises a local group's throughput (docs/performance.md).
   *
   * <p>A driver that carries traffic to other hosts must keep to the network's path MTU
   * ({@link #AERON_DEFAULT} on a 1500-byte Ethernet, about 8 KiB with jumbo frames): a datagram
   * longer than the path MTU is split by IP, and losing any piece loses all of it.
   *
   * <p>Aeron refuses to start a driver whose MTU exceeds its sockets' send buffer
   * ({@code aeron.socket.so_sndbuf}, by default the system's, {@code net.core.wmem_default}: 208 KiB
   * on common Linux hosts); {@link #start} then fails with the driver's log.
   */
  public record Mtu(int bytes) {

    /** The largest Aeron allows, for drivers whose traffic stays on this host. */
    public static final Mtu LOOPBACK = new Mtu(65_504);

    /** Aeron's own default, safe on any network. */
    public static final Mtu AERON_DEFAULT = new Mtu(1_408);

    public Mtu {
      if (bytes < 64 || bytes > 65_504 || bytes % 32 != 0) {
        throw new IllegalArgumentException("MTU " + bytes + " bytes: Aeron needs a multiple of 32 from 64 to 65504"
            + " (1408 suits a 1500-byte Ethernet, 65504 traffic that stays on one host)");
      }
    }

    public static Mtu parse(String s) {
      try {
        return new Mtu(Integer.parseInt(s.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("MTU '" + s + "' is not a number of bytes (e.g. 1408 or 65504)");
      }
    }
  }

  private final JvmProcess process;
  private final Path directory;
  private final Idle idle;
  private final Timeouts timeouts;
  private final Mtu mtu;

  private MediaDriverProcess(JvmProcess process, Path directory, Idle idle, Timeouts timeouts, Mtu mtu) {
    this.process = process;
    this.directory = directory;
    this.idle = idle;
    this.timeouts = timeouts;
    this.mtu = mtu;
  }

  /** Starts a driver with every default; see {@link #start(Path, Idle, Timeouts, Mtu)}. */
  public static MediaDriverProcess start(Path logFile) throws IOException, TimeoutException, InterruptedException {
    return start(logFile, Idle.DEFAULT, Timeouts.DEFAULT, Mtu.LOOPBACK);
  }

  /** Starts a driver with {@link Timeouts#DEFAULT} and {@link Mtu#LOOPBACK}; see {@link #start(Path, Idle, Timeouts, Mtu)}. */
  public static MediaDriverProcess start(Path logFile, Idle idle)
      throws IOException, TimeoutException, InterruptedException {
    return start(logFile, idle, Timeouts.DEFAULT, Mtu.LOOPBACK);
  }

  /** Starts a driver with {@link Mtu#LOOPBACK}; see {@link #start(Path, Idle, Timeouts, Mtu)}. */
  public static MediaDriverProcess start(Path logFile, Idle idle, Timeouts timeouts)
      throws IOException, TimeoutException, InterruptedException {
    return start(logFile, idle, timeouts, Mtu.LOOPBACK);
  }

  /**
   * Starts a driver JVM in a fresh directory and returns once it is ready for clients (its CnC
   * file is written and it heartbeats).
   *
   * @param logFile where the driver JVM's output goes
   * @throws IllegalStateException if the driver JVM exits during start-up (with its log tail)
   * @throws TimeoutException if it is not ready within 30 seconds (it is then stopped)
   */
  public static MediaDriverProcess start(Path logFile, Idle idle, Timeouts timeouts, Mtu mtu)
      throws IOException, TimeoutException, InterruptedException {
    Path base = baseDirectory();
    sweepStaleDirectories(base);
    Path dir = Files.createTempDirectory(base, DIRECTORY_PREFIX);
    JvmProcess p;
    try {
      p = JvmProcess.builder("io.aeron.driver.MediaDriver")
          .name("aeron-driver")
          .logFile(logFile)
          .systemProperty("aeron.dir", dir.toString())
          .systemProperty("aeron.dir.delete.on.start", "true")
          .systemProperty("aeron.dir.delete.on.shutdown", "true")
          // One thread for conductor, sender and receiver: the whole host pays for one poller.
          .systemProperty("aeron.threading.mode", "SHARED")
          .systemProperty("aeron.shared.idle.strategy", DriverIdleStrategy.class.getName())
          .systemProperty(DriverIdleStrategy.PROPERTY, idle.property())
          .systemProperty("aeron.client.liveness.timeout", Long.toString(timeouts.clientLiveness().toNanos()))
          .systemProperty("aeron.image.liveness.timeout", Long.toString(TimeUnit.SECONDS.toNanos(10)))
          .systemProperty("aeron.publication.unblock.timeout", Long.toString(timeouts.publicationUnblock().toNanos()))
          // Log buffers are 3 x 16 MiB per publication and per image (Aeron's default term
          // length, which the 2 MiB large-message frames need), that is 6 x N x (N-1) x 48 MiB
          // of /dev/shm (RAM) for N nodes: 1.7 GiB for 3 nodes, 5.6 GiB for 5. Sparse files
          // only take memory for the pages actually written, at the cost of a page fault the
          // first time each page is used.
          .systemProperty("aeron.term.buffer.sparse.file", "true")
          .systemProperty("aeron.mtu.length", Integer.toString(mtu.bytes()))
          // The driver needs little heap (its buffers are memory-mapped files), and a small
          // serial-collected heap keeps its JVM's own threads and footprint down.
          .jvmOptions("-XX:+UseSerialGC", "-Xms16m", "-Xmx128m")
          .start();
    } catch (IOException | RuntimeException e) {
      deleteRecursively(dir);
      throw e;
    }
    MediaDriverProcess driver = new MediaDriverProcess(p, dir, idle, timeouts, mtu);
    OPEN.add(driver);
    try {
      driver.awaitReady(READY_TIMEOUT);
    } catch (TimeoutException | InterruptedException | RuntimeException e) {
      driver.close();
      throw e;
    }
    return driver;
  }

  /** The directory to give nodes as {@code pekko.remote.artery.advanced.aeron.aeron-dir}. */
  public Path aeronDirectory() {
    return directory;
  }

  public Idle idle() {
    return idle;
  }

  public Mtu mtu() {
    return mtu;
  }

  /** The driver's JVM, e.g. to pause it in a fault test or read its CPU time. */
  public JvmProcess process() {
    return process;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Publications the driver has unblocked since it started: each one is a node that died or
   * paused in the middle of sending (see {@link Timeouts}), whose neighbours' traffic to one
   * destination stalled for {@link Timeouts#publicationUnblock()} meanwhile.
   */
  public long unblockedPublications() {
    return systemCounters(SystemCounterDescriptor.UNBLOCKED_PUBLICATIONS)[0];
  }

  /** Clients the driver has dropped because they stopped heartbeating (killed, or paused too long). */
  public long clientTimeouts() {
    return systemCounters(SystemCounterDescriptor.CLIENT_TIMEOUTS)[0];
  }

  /**
   * Where the driver's traffic waited or was sent again, since it started: one line for a report.
   * A node whose inbound lags seconds behind the others shows it here if the cause is the
   * transport (loss repaired by NAK and retransmit, flow control holding senders back, sends the
   * socket took only in part) rather than the node itself.
   */
  public String trafficReport() {
    long[] v = systemCounters(SystemCounterDescriptor.BYTES_SENT, SystemCounterDescriptor.NAK_MESSAGES_SENT,
        SystemCounterDescriptor.RETRANSMITS_SENT, SystemCounterDescriptor.RETRANSMITTED_BYTES,
        SystemCounterDescriptor.LOSS_GAP_FILLS, SystemCounterDescriptor.SENDER_FLOW_CONTROL_LIMITS,
        SystemCounterDescriptor.FLOW_CONTROL_UNDER_RUNS, SystemCounterDescriptor.FLOW_CONTROL_OVER_RUNS,
        SystemCounterDescriptor.SHORT_SENDS, SystemCounterDescriptor.UNBLOCKED_PUBLICATIONS,
        SystemCounterDescriptor.ERRORS);
    return String.format(java.util.Locale.ROOT, "%d MiB sent, %d NAKs sent, %d retransmits (%d KiB), %d loss gaps"
        + " filled, %d sender flow-control limits, flow-control under/over runs %d/%d, %d short sends,"
        + " %d publications unblocked, %d errors", v[0] >> 20, v[1], v[2], v[3] >> 10, v[4], v[5], v[6], v[7], v[8],
        v[9], v[10]);
  }

  public Timeouts timeouts() {
    return timeouts;
  }

  /** System counters read from the driver's CnC file (which the driver keeps while it lives). */
  private long[] systemCounters(SystemCounterDescriptor... wanted) {
    MappedByteBuffer cnc = IoUtil.mapExistingFile(directory.resolve(CncFileDescriptor.CNC_FILE).toFile(), "cnc");
    try {
      UnsafeBuffer meta = CncFileDescriptor.createMetaDataBuffer(cnc);
      CountersReader counters = new CountersReader(CncFileDescriptor.createCountersMetaDataBuffer(cnc, meta),
          CncFileDescriptor.createCountersValuesBuffer(cnc, meta));
      long[] values = new long[wanted.length];
      for (int i = 0; i < wanted.length; i++) {
        values[i] = counters.getCounterValue(wanted[i].id());
      }
      return values;
    } finally {
      IoUtil.unmap(cnc);
    }
  }

  /** CPU seconds used by the driver JVM so far; see {@link JvmProcess#cpuSeconds()}. */
  public double cpuSeconds() {
    return process.cpuSeconds();
  }

  /** Stops the driver (SIGTERM, it closes and removes its files; SIGKILL after 5 s), removes the directory. */
  @Override
  public void close() {
    try {
      process.stop(Duration.ofSeconds(5));
    } finally {
      deleteRecursively(directory);
      OPEN.remove(this);
    }
  }

  @Override
  public String toString() {
    return "aeron media driver " + process + " in " + directory;
  }

  private void awaitReady(Duration timeout) throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    java.io.File dir = directory.toFile();
    while (true) {
      boolean alive = process.isAlive();
      if (Files.exists(directory.resolve(CncFileDescriptor.CNC_FILE)) && isActive(dir, 5_000)) {
        return;
      }
      if (!alive) {
        throw new IllegalStateException("the Aeron media driver exited with code " + process.exitCode()
            + " during start-up; last lines of " + process.logFile() + ":\n" + process.tail(20));
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new TimeoutException("the Aeron media driver in " + directory + " was not ready within "
            + timeout + "; last lines of " + process.logFile() + ":\n" + process.tail(20));
      }
      Thread.sleep(20);
    }
  }

  private static boolean isActive(java.io.File dir, long heartbeatTimeoutMs) {
    try {
      return CommonContext.isDriverActive(dir, heartbeatTimeoutMs, message -> { });
    } catch (RuntimeException e) {
      // A CnC file still being written can fail its version or length check; not ready yet.
      return false;
    }
  }

  /** Whether a driver has written the CnC file's version, which it does last, once the file is ready. */
  static boolean cncInitialised(Path cnc) throws IOException {
    try (FileChannel channel = FileChannel.open(cnc, StandardOpenOption.READ)) {
      if (channel.size() < CncFileDescriptor.META_DATA_LENGTH) {
        return false;
      }
      ByteBuffer version = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      channel.read(version, CncFileDescriptor.cncVersionOffset(0));
      return version.flip().remaining() == Integer.BYTES && version.getInt() != 0;
    }
  }

  /** /dev/shm when present: Aeron's log buffers are mapped files, best kept in memory. */
  static Path baseDirectory() {
    Path shm = Path.of("/dev/shm");
    if (Files.isDirectory(shm) && Files.isWritable(shm)) {
      return shm;
    }
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  /**
   * Removes directories this class created whose driver is gone: a SIGKILLed parent cannot clean
   * up, its driver halts by itself (it is {@link Watched}), and each leftover directory would keep
   * its log buffers in /dev/shm, that is in RAM. A driver that still heartbeats, or a directory
   * too young to hold a CnC file yet, is left alone.
   */
  static void sweepStaleDirectories(Path base) {
    List<Path> candidates = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(base, DIRECTORY_PREFIX + "*")) {
      ds.forEach(candidates::add);
    } catch (IOException e) {
      return;
    }
    Instant staleBefore = Instant.now().minus(STALE_AFTER);
    for (Path d : candidates) {
      try {
        Path cnc = d.resolve(CncFileDescriptor.CNC_FILE);
        boolean hasCnc = Files.exists(cnc);
        // An uninitialised CnC file (a driver stopped during its start) is judged by its age alone:
        // Aeron's liveness check would wait for it to be initialised for the whole timeout.
        boolean stale = hasCnc && cncInitialised(cnc)
            ? !isActive(d.toFile(), STALE_AFTER.toMillis())
                && Files.getLastModifiedTime(cnc).toInstant().isBefore(staleBefore)
            : Files.getLastModifiedTime(hasCnc ? cnc : d).toInstant().isBefore(staleBefore);
        if (stale) {
          deleteRecursively(d);
        }
      } catch (IOException | RuntimeException e) {
        // Another process may be removing it at the same time; nothing to do.
      }
    }
  }

  static void deleteRecursively(Path dir) {
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
          Files.deleteIfExists(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (NoSuchFileException e) {
      // already gone
    } catch (IOException e) {
      System.err.println("cannot remove " + dir + ": " + e);
    }
  }
}
