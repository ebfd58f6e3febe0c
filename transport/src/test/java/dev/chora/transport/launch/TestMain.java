package dev.chora.transport.launch;

import java.nio.file.Path;
import java.time.Duration;

/** The child of {@link JvmProcessTest}: one small main with a few behaviours. */
public final class TestMain {

  /** Cheap JVMs: the tests start many on a shared two-core machine. */
  static final String[] LIGHT_JVM = {"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m"};

  private TestMain() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "sleep" -> {
        System.out.println("started pid=" + ProcessHandle.current().pid());
        tick();
      }
      case "burn" -> {
        // Until this thread has used that much CPU, not that much wall time: on a busy machine a
        // wall-clock loop gets less CPU than it asks for, and the figure checked would fall short.
        long target = Duration.ofMillis(Long.parseLong(args[1])).toNanos();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long x = 0;
        while (threads.getCurrentThreadCpuTime() < target) {
          x += System.nanoTime() % 7;
        }
        System.out.println("burnt " + (x > 0));
        tick();
      }
      case "exit" -> {
        System.out.println("exiting with " + args[1]);
        System.exit(Integer.parseInt(args[1]));
      }
      case "throw" -> throw new IllegalStateException("boom from the test main");
      case "spawn" -> {
        JvmProcess grandchild = JvmProcess.builder(TestMain.class.getName())
            .name("grandchild")
            .jvmOptions(LIGHT_JVM)
            .args("sleep")
            .logFile(Path.of(args[1]))
            .start();
        grandchild.awaitLogLine("started", Duration.ofSeconds(30));
        System.out.println("grandchild pid=" + grandchild.pid());
        tick();
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  /** A visible heartbeat, so a test can see whether the process runs. */
  private static void tick() throws InterruptedException {
    for (long i = 0; ; i++) {
      System.out.println("tick " + i);
      Thread.sleep(50);
    }
  }
}
