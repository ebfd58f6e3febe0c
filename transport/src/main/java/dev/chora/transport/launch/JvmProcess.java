package dev.chora.transport.launch;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A JVM started as a separate OS process: the one launcher of the project (the command line's demo
 * and bench, the multi-JVM test kit, the transport probe, the shared Aeron media driver).
 *
 * <p>It exists so that every caller gets the same three guarantees, which are easy to get wrong
 * one by one:
 * <ul>
 *   <li><b>No orphans.</b> Every started JVM is registered, and a shutdown hook of this JVM
 *       SIGKILLs those still alive. Because no hook runs when this JVM is itself SIGKILLed, the
 *       child also watches its parent and halts when the parent is gone (see {@link Watched}).
 *       A leftover node keeps its port and Aeron directory and skews every later measurement on a
 *       small machine.</li>
 *   <li><b>Aeron works.</b> {@link #AERON_JVM_OPTIONS} are always passed: on JDK 17 Artery's
 *       aeron-udp transport does not start without them and the JVM just hangs.</li>
 *   <li><b>Diagnosable failures.</b> Output goes to a log file, and waiting for a line fails at
 *       once, with the log's tail, when the process died instead of timing out later.</li>
 * </ul>
 *
 * <p>Linux only: pause/resume use SIGSTOP/SIGCONT and {@link #cpuSeconds()} reads /proc.
 */
public final class JvmProcess implements AutoCloseable {

  /**
   * Opened to unnamed modules in every child. Aeron (via Agrona) reaches into NIO internals to map
   * its log buffers and to drive UDP channels; on JDK 17 strong encapsulation refuses that, and
   * Artery's aeron-udp transport then never finishes starting, without a clear error.
   */
  public static final List<String> AERON_JVM_OPTIONS = List.of(
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.base/java.nio=ALL-UNNAMED");

  /** Classpaths longer than this go through an argument file: Linux caps one argument at 128 KiB. */
  private static final int MAX_INLINE_CLASSPATH = 100_000;

  private static final int TAIL_LINES = 20;
  private static final long POLL_MILLIS = 20;

  /** Started and not yet seen to exit; guarded by itself together with {@link #shuttingDown}. */
  private static final Set<JvmProcess> LIVE = ConcurrentHashMap.newKeySet();
  private static boolean shuttingDown;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(JvmProcess::killAllLive, "chora-jvm-reaper"));
  }

  private final String name;
  private final Process process;
  private final Path logFile;
  private volatile boolean paused;

  private JvmProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
  }

  /** A builder for a JVM that will run {@code mainClass}'s {@code main(String[])}. */
  public static Builder builder(String mainClass) {
    return new Builder(mainClass);
  }

  /** How to start one JVM. Not thread-safe; one builder may start several JVMs. */
  public static final class Builder {
    private final String mainClass;
    private String classpath = System.getProperty("java.class.path");
    private final List<String> jvmOptions = new ArrayList<>();
    private final Map<String, String> systemProperties = new LinkedHashMap<>();
    private final List<String> args = new ArrayList<>();
    private Path logFile;
    private String name;

    private Builder(String mainClass) {
      if (mainClass == null || mainClass.isBlank()) {
        throw new IllegalArgumentException("main class is required");
      }
      this.mainClass = mainClass;
    }

    /** Defaults to this JVM's own classpath, which is what tests and the command line want. */
    public Builder classpath(String cp) {
      this.classpath = Objects.requireNonNull(cp, "classpath");
      return this;
    }

    /** Options placed after {@link #AERON_JVM_OPTIONS}, which are always present. */
    public Builder jvmOptions(String... options) {
      for (String o : options) {
        jvmOptions.add(Objects.requireNonNull(o, "jvm option"));
      }
      return this;
    }

    /** A {@code -Dkey=value}; a later call with the same key wins. */
    public Builder systemProperty(String key, String value) {
      if (key == null || key.isEmpty() || key.contains("=")) {
        throw new IllegalArgumentException("bad system property name: " + key);
      }
      if (Watched.PARENT_PID_PROPERTY.equals(key)) {
        throw new IllegalArgumentException(key + " is set by the launcher");
      }
      systemProperties.put(key, Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Arguments of the real main class. */
    public Builder args(String... arguments) {
      for (String a : arguments) {
        args.add(Objects.requireNonNull(a, "argument"));
      }
      return this;
    }

    /** Required: stdout and stderr both go there (truncated first); parent directories are made. */
    public Builder logFile(Path file) {
      this.logFile = Objects.requireNonNull(file, "log file");
      return this;
    }

    /** Used in messages only; defaults to the main class's simple name. */
    public Builder name(String n) {
      this.name = Objects.requireNonNull(n, "name");
      return this;
    }

    public JvmProcess start() throws IOException {
      if (logFile == null) {
        throw new IllegalStateException("logFile is required: a child's output must be inspectable");
      }
      Path log = logFile.toAbsolutePath();
      if (log.getParent() != null) {
        Files.createDirectories(log.getParent());
      }
      String displayName = name != null ? name : mainClass.substring(mainClass.lastIndexOf('.') + 1);

      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(AERON_JVM_OPTIONS);
      cmd.addAll(jvmOptions);
      systemProperties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
      cmd.add("-D" + Watched.PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid());
      if (classpath.length() > MAX_INLINE_CLASSPATH) {
        Path argFile = Path.of(log + ".classpath");
        Files.writeString(argFile, "-cp \"" + classpath.replace("\\", "\\\\").replace("\"", "\\\"")
            + "\"\n", StandardCharsets.UTF_8);
        cmd.add("@" + argFile);
      } else {
        cmd.add("-cp");
        cmd.add(classpath);
      }
      cmd.add(Watched.class.getName());
      cmd.add(mainClass);
      cmd.addAll(args);

      ProcessBuilder pb = new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
      File devNull = new File("/dev/null");
      if (devNull.exists()) {
        // A child never waits on a stdin pipe that nobody writes to.
        pb.redirectInput(ProcessBuilder.Redirect.from(devNull));
      }
      JvmProcess started;
      synchronized (LIVE) {
        if (shuttingDown) {
          throw new IllegalStateException("this JVM is shutting down; not starting " + displayName);
        }
        started = new JvmProcess(displayName, pb.start(), log);
        LIVE.add(started);
      }
      JvmProcess registered = started;
      started.process.onExit().thenRun(() -> LIVE.remove(registered));
      return started;
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path logFile() {
    return logFile;
  }

  /**
   * Waits until the log holds a line containing {@code text} (lines already written count).
   *
   * @throws TimeoutException after {@code timeout}, with the last 20 log lines in the message
   * @throws IllegalStateException as soon as the process has exited without logging such a line,
   *     with its exit code and the last 20 log lines: waiting on would only hide the cause
   */
  public void awaitLogLine(String text, Duration timeout) throws TimeoutException, InterruptedException {
    Objects.requireNonNull(text, "text");
    long deadline = System.nanoTime() + timeout.toNanos();
    LineScanner scanner = new LineScanner(text);
    while (true) {
      // Sampled before reading: whatever the process wrote before exiting is then read below.
      boolean alive = process.isAlive();
      if (scanner.scan()) {
        return;
      }
      if (!alive) {
        throw new IllegalStateException(name + " (pid " + pid() + ") exited with code " + exitCode()
            + " before logging a line containing \"" + text + "\"; last lines of " + logFile
            + ":\n" + tail(TAIL_LINES));
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new TimeoutException(name + " (pid " + pid() + ") logged no line containing \"" + text
            + "\" within " + timeout + "; last lines of " + logFile + ":\n" + tail(TAIL_LINES));
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  /** SIGKILL; returns once the process is gone. Also works on a paused process. */
  public void kill() {
    process.destroyForcibly();
    awaitGone();
  }

  /**
   * SIGSTOP, as a stand-in for a long GC pause or a frozen VM: the process keeps its sockets and
   * memory but runs no code. Returns once the kernel reports it stopped.
   *
   * @throws IllegalStateException if the process is not alive (it cannot be paused)
   */
  public void pause() {
    if (!process.isAlive()) {
      throw new IllegalStateException(name + " (pid " + pid() + ") is not alive; cannot pause it");
    }
    signal("STOP");
    paused = true;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (process.isAlive() && procState() != 'T' && procState() != 't'
        && System.nanoTime() - deadline < 0) {
      Thread.onSpinWait();
    }
  }

  /** SIGCONT. A no-op when the process is already gone, so cleanup paths need no extra check. */
  public void resume() {
    if (process.isAlive()) {
      signal("CONT");
    }
    paused = false;
  }

  /**
   * SIGTERM (the child's shutdown hooks run, e.g. Pekko's coordinated shutdown), then SIGKILL if it
   * is still alive after {@code grace}; returns once the process is gone. A paused process is
   * resumed after the SIGTERM, or it could not act on it.
   */
  public void stop(Duration grace) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    if (paused) {
      resume();
    }
    try {
      if (!process.waitFor(grace.toNanos(), TimeUnit.NANOSECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      kill();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * CPU time used by all threads of the process so far (user + system), in seconds; NaN when it
   * cannot be read (process gone, no /proc). Sampled twice around an interval it gives the load a
   * node puts on the machine while idle, which is what the Aeron idle strategies trade for latency.
   */
  public double cpuSeconds() {
    if (!process.isAlive()) {
      return Double.NaN;
    }
    try {
      String[] f = statFields();
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
      // Checked again: once the child is reaped its pid may be reused by another process.
      return process.isAlive() ? ticks / (double) ClockTicks.PER_SECOND : Double.NaN;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * CPU seconds used so far by each live thread of the process, summed by thread name as the
   * kernel keeps it (its first 15 characters); empty when it cannot be read. Sampled twice, it says
   * which threads an idle node's CPU goes to: the application's, the transport's, or the JVM's own
   * (JIT compilers, GC). Threads that ended between two samples are missing from the second.
   */
  public Map<String, Double> threadCpuSeconds() {
    Map<String, Double> byName = new TreeMap<>();
    Path tasks = Path.of("/proc", Long.toString(pid()), "task");
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(tasks)) {
      for (Path t : ds) {
        try {
          String stat = Files.readString(t.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
          double seconds = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) ClockTicks.PER_SECOND;
          byName.merge(name, seconds, Double::sum);
        } catch (IOException | RuntimeException e) {
          // the thread ended while being read
        }
      }
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
    return process.isAlive() ? byName : Map.of();
  }

  /** The exit status, or -1 while the process is alive (143 after SIGTERM, 137 after SIGKILL). */
  public int exitCode() {
    return process.isAlive() ? -1 : process.exitValue();
  }

  /** {@link #stop(Duration)} with five seconds of grace. */
  @Override
  public void close() {
    stop(Duration.ofSeconds(5));
  }

  @Override
  public String toString() {
    return name + " (pid " + pid() + (process.isAlive() ? "" : ", exited " + process.exitValue()) + ")";
  }

  // ------------------------------------------------------------------------------------------

  private void awaitGone() {
    boolean interrupted = false;
    while (true) {
      try {
        process.waitFor();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid()))
          .redirectErrorStream(true).start();
      String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      int status = kill.waitFor();
      if (status != 0 && process.isAlive()) {
        throw new IllegalStateException("kill -" + signal + " " + pid() + " failed (" + status + "): " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kill -" + signal, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending SIG" + signal + " to " + this, e);
    }
  }

  /** Fields of /proc/pid/stat from the third (state) on; the command name may contain spaces. */
  private String[] statFields() throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
    return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
  }

  private char procState() {
    try {
      return statFields()[0].charAt(0);
    } catch (IOException | RuntimeException e) {
      return '?';
    }
  }

  /** The last {@code n} lines of the log, for failure messages. */
  String tail(int n) {
    try (FileChannel ch = FileChannel.open(logFile, StandardOpenOption.READ)) {
      long size = ch.size();
      int len = (int) Math.min(size, 256 * 1024);
      ByteBuffer buf = ByteBuffer.allocate(len);
      ch.read(buf, size - len);
      String[] lines = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).split("\r?\n");
      int from = Math.max(0, lines.length - n);
      return lines.length == 0 || (lines.length == 1 && lines[0].isEmpty())
          ? "  (log is empty)"
          : "  | " + String.join("\n  | ", Arrays.asList(lines).subList(from, lines.length));
    } catch (IOException e) {
      return "  (cannot read log: " + e + ")";
    }
  }

  private static void killAllLive() {
    List<JvmProcess> victims;
    synchronized (LIVE) {
      shuttingDown = true;
      victims = new ArrayList<>(LIVE);
    }
    for (JvmProcess p : victims) {
      p.process.destroyForcibly();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    for (JvmProcess p : victims) {
      try {
        p.process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Reads the log incrementally from its start, one call of {@link #scan()} per poll. */
  private final class LineScanner {
    private final String text;
    private long position;
    private byte[] partial = new byte[0];
    private final ByteBuffer buf = ByteBuffer.allocate(64 * 1024);

    LineScanner(String text) {
      this.text = text;
    }

    boolean scan() {
      try (FileChannel ch = FileChannel.open(logFile, StandardOpenOption.READ)) {
        while (true) {
          buf.clear();
          int n = ch.read(buf, position);
          if (n <= 0) {
            // An unterminated last line counts too (e.g. a prompt, or a line cut by a crash).
            return partial.length > 0 && decode(partial, 0, partial.length).contains(text);
          }
          position += n;
          byte[] b = buf.array();
          int start = 0;
          for (int i = 0; i < n; i++) {
            if (b[i] == '\n') {
              if (lineContains(b, start, i)) {
                return true;
              }
              start = i + 1;
            }
          }
          byte[] rest = new byte[partial.length + n - start];
          System.arraycopy(partial, 0, rest, 0, partial.length);
          System.arraycopy(b, start, rest, partial.length, n - start);
          partial = rest;
        }
      } catch (NoSuchFileException e) {
        return false;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + logFile, e);
      }
    }

    private boolean lineContains(byte[] b, int from, int to) {
      String line;
      if (partial.length > 0) {
        byte[] whole = new byte[partial.length + to - from];
        System.arraycopy(partial, 0, whole, 0, partial.length);
        System.arraycopy(b, from, whole, partial.length, to - from);
        line = decode(whole, 0, whole.length);
        partial = new byte[0];
      } else {
        line = decode(b, from, to - from);
      }
      return line.contains(text);
    }

    private String decode(byte[] b, int off, int len) {
      return new String(b, off, len, StandardCharsets.UTF_8);
    }
  }

  /** USER_HZ, the unit of /proc/pid/stat times: asked once from getconf, 100 if that fails. */
  private static final class ClockTicks {
    static final long PER_SECOND = read();

    private static long read() {
      try {
        Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
          long v = Long.parseLong(out);
          if (v > 0) {
            return v;
          }
        }
      } catch (IOException | RuntimeException e) {
        // fall through to the Linux default
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return 100;
    }
  }
}
