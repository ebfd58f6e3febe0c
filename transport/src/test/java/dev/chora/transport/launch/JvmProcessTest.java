package dev.chora.transport.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JvmProcessTest {

  private static final Duration START = Duration.ofSeconds(30);

  @TempDir Path dir;

  private final List<JvmProcess> started = new ArrayList<>();
  private final List<Long> foreignPids = new ArrayList<>();

  @AfterEach
  void stopEverything() {
    started.forEach(JvmProcess::kill);
    // Grandchildren are not ours to hold, but a failed test must not leave them behind either.
    foreignPids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  private JvmProcess start(String name, String... args) throws IOException {
    JvmProcess p = JvmProcess.builder(TestMain.class.getName())
        .name(name)
        .jvmOptions(TestMain.LIGHT_JVM)
        .args(args)
        .logFile(dir.resolve("logs").resolve(name + ".log"))
        .start();
    started.add(p);
    return p;
  }

  @Test
  void startsWatchedWithAeronOptionsAndAwaitsALine() throws Exception {
    JvmProcess p = JvmProcess.builder(TestMain.class.getName())
        .name("sleeper")
        .jvmOptions(TestMain.LIGHT_JVM)
        .systemProperty("chora.test.marker", "a value with spaces")
        .args("sleep")
        .logFile(dir.resolve("nested/dirs/sleeper.log"))
        .start();
    started.add(p);
    p.awaitLogLine("started pid=" + p.pid(), START);
    p.awaitLogLine("tick 3", START);
    assertTrue(p.isAlive());
    assertEquals(-1, p.exitCode());
    assertEquals("sleeper", p.name());
    assertTrue(Files.exists(dir.resolve("nested/dirs/sleeper.log")));

    List<String> cmd = ProcessHandle.of(p.pid()).orElseThrow().info().arguments()
        .map(List::of).orElse(List.of());
    if (!cmd.isEmpty()) { // /proc may hide arguments; the options are then checked by Aeron's tests
      assertTrue(cmd.containsAll(JvmProcess.AERON_JVM_OPTIONS), cmd.toString());
      assertTrue(cmd.contains("-D" + Watched.PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid()));
      assertTrue(cmd.contains("-Dchora.test.marker=a value with spaces"));
      int watched = cmd.indexOf(Watched.class.getName());
      assertEquals(TestMain.class.getName(), cmd.get(watched + 1));
      assertTrue(cmd.indexOf("-XX:+UseSerialGC") > cmd.lastIndexOf("java.base/java.nio=ALL-UNNAMED"));
    }
  }

  @Test
  void cpuSecondsGrowWithWork() throws Exception {
    JvmProcess p = start("burner", "burn", "700");
    p.awaitLogLine("burnt", START);
    double cpu = p.cpuSeconds();
    assertTrue(cpu >= 0.6, "a JVM that burnt 0.7 s of CPU reports " + cpu);
    java.util.Map<String, Double> threads = p.threadCpuSeconds();
    double busiest = threads.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    assertTrue(busiest >= 0.6, "the burning thread holds that CPU: " + threads);
    double sum = threads.values().stream().mapToDouble(Double::doubleValue).sum();
    assertTrue(sum <= p.cpuSeconds() + 0.05, "threads add up to no more than the process: " + threads);
    p.kill();
    assertTrue(Double.isNaN(p.cpuSeconds()), "gone process has no CPU figure");
    assertTrue(p.threadCpuSeconds().isEmpty(), "nor any thread figure");
  }

  @Test
  void pauseStopsTheProcessAndResumeContinuesIt() throws Exception {
    JvmProcess p = start("pausable", "sleep");
    p.awaitLogLine("tick 2", START);
    p.pause();
    assertEquals('T', state(p.pid()));
    long size = Files.size(p.logFile());
    Thread.sleep(400);
    assertEquals(size, Files.size(p.logFile()), "a paused process writes nothing");
    assertTrue(p.isAlive());
    p.resume();
    long resumedAt = Files.size(p.logFile());
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (Files.size(p.logFile()) == resumedAt && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(Files.size(p.logFile()) > resumedAt, "a resumed process ticks again");
  }

  @Test
  void killIsImmediateEvenWhenPaused() throws Exception {
    JvmProcess p = start("victim", "sleep");
    p.awaitLogLine("started", START);
    p.pause();
    p.kill();
    assertFalse(p.isAlive());
    assertEquals(137, p.exitCode()); // 128 + SIGKILL
    p.resume(); // harmless on a dead process
    assertThrows(IllegalStateException.class, p::pause);
  }

  @Test
  void stopTerminatesGracefullyAndAlsoAPausedProcess() throws Exception {
    JvmProcess a = start("stoppable", "sleep");
    JvmProcess b = start("paused-stoppable", "sleep");
    a.awaitLogLine("started", START);
    b.awaitLogLine("started", START);
    b.pause();
    long t0 = System.nanoTime();
    a.stop(Duration.ofSeconds(10));
    b.stop(Duration.ofSeconds(10));
    assertFalse(a.isAlive());
    assertFalse(b.isAlive());
    assertEquals(143, a.exitCode()); // 128 + SIGTERM: it was the TERM, not the fallback KILL
    assertEquals(143, b.exitCode());
    assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(9).toNanos(), "SIGTERM, not the grace period, ended them");
    a.close(); // idempotent
  }

  @Test
  void exitCodeOfAProcessThatExits() throws Exception {
    JvmProcess p = start("exiter", "exit", "42");
    p.awaitLogLine("exiting with 42", START);
    ProcessHandle.of(p.pid()).ifPresent(h -> h.onExit().join());
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(42, p.exitCode());
  }

  @Test
  void awaitLogLineFailsFastWithTheTailWhenTheProcessDies() throws Exception {
    JvmProcess p = start("thrower", "throw");
    long t0 = System.nanoTime();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> p.awaitLogLine("never printed", Duration.ofSeconds(60)));
    assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(30).toNanos(), "failed fast");
    assertTrue(e.getMessage().contains("exited with code 1"), e.getMessage());
    assertTrue(e.getMessage().contains("boom from the test main"), e.getMessage());
    assertEquals(1, p.exitCode());
  }

  @Test
  void awaitLogLineTimesOutWithTheTail() throws Exception {
    JvmProcess p = start("quiet", "sleep");
    p.awaitLogLine("tick 1", START);
    TimeoutException e = assertThrows(TimeoutException.class,
        () -> p.awaitLogLine("never printed", Duration.ofMillis(300)));
    assertTrue(e.getMessage().contains("tick "), e.getMessage());
    long shown = e.getMessage().lines().filter(l -> l.startsWith("  | ")).count();
    assertTrue(shown > 0 && shown <= 20, "at most 20 lines of tail: " + shown);
  }

  @Test
  void builderRefusesToStartWithoutALogFile() {
    assertThrows(IllegalStateException.class, () -> JvmProcess.builder(TestMain.class.getName()).start());
    assertThrows(IllegalArgumentException.class,
        () -> JvmProcess.builder("x").systemProperty(Watched.PARENT_PID_PROPERTY, "1"));
  }

  @Test
  void aGrandchildDiesWithItsSigkilledParent() throws Exception {
    Path grandchildLog = dir.resolve("logs/grandchild.log");
    JvmProcess child = start("spawner", "spawn", grandchildLog.toString());
    child.awaitLogLine("grandchild pid=", START);
    long grandchild = grandchildPid(child);
    foreignPids.add(grandchild);
    assertTrue(ProcessHandle.of(grandchild).map(ProcessHandle::isAlive).orElse(false));

    child.kill(); // SIGKILL: no shutdown hook runs in the child, only the grandchild's watch helps

    assertGoneWithin(grandchild, Duration.ofSeconds(5));
    assertTrue(Files.readString(grandchildLog).contains("is gone; halting"));
  }

  @Test
  void aGrandchildDiesWithItsStoppedParent() throws Exception {
    Path grandchildLog = dir.resolve("logs/grandchild2.log");
    JvmProcess child = start("spawner2", "spawn", grandchildLog.toString());
    child.awaitLogLine("grandchild pid=", START);
    long grandchild = grandchildPid(child);
    foreignPids.add(grandchild);

    child.stop(Duration.ofSeconds(10)); // SIGTERM: the child's shutdown hook kills it at once

    assertGoneWithin(grandchild, Duration.ofSeconds(3));
  }

  private static long grandchildPid(JvmProcess child) throws IOException {
    return Files.readAllLines(child.logFile()).stream()
        .filter(l -> l.startsWith("grandchild pid="))
        .map(l -> Long.parseLong(l.substring("grandchild pid=".length()).trim()))
        .findFirst().orElseThrow();
  }

  private static void assertGoneWithin(long pid, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<ProcessHandle> h = ProcessHandle.of(pid);
      // A zombie has exited; whether it is reaped depends on this container's init, not on us.
      if (h.isEmpty() || !h.get().isAlive() || stateOrGone(pid) == 'Z') {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("process " + pid + " still alive after " + limit);
  }

  private static char stateOrGone(long pid) {
    try {
      return state(pid);
    } catch (IOException e) {
      return 'Z';
    }
  }

  private static char state(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    return stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
  }
}
