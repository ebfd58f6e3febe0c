package dev.chora.transport.launch;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Optional;

/**
 * Entry point of every JVM started by {@link JvmProcess}: it makes the child die with its parent,
 * then runs the real main class.
 *
 * <p>The parent's shutdown hook kills its children on a normal exit or SIGTERM, but nothing runs
 * when the parent is SIGKILLed (a test runner timing out, an engineer's kill -9, the multi-JVM kit
 * killing a node that itself started a driver). Without this watch such children would live on,
 * holding ports, Aeron directories and CPU on a shared two-core machine, and make later runs fail
 * or measure nonsense. Polling is used because a JVM cannot be notified of the death of a process
 * that is not its child, and because Linux's PR_SET_PDEATHSIG is out of reach from Java.
 *
 * <p>Usage (done by {@link JvmProcess}): {@code java -Dchora.parent-pid=<pid> ... 
 * dev.chora.transport.launch.Watched <real main class> <its arguments...>}. Without the property
 * the real main just runs unwatched.
 */
public final class Watched {

  /** System property naming the process whose death ends this JVM. */
  public static final String PARENT_PID_PROPERTY = "chora.parent-pid";

  /** Exit status when the parent disappeared; distinct from 1 (main failed) and 143 (SIGTERM). */
  public static final int PARENT_GONE_STATUS = 3;

  /** Short enough that an orphan dies within a second, long enough to cost nothing measurable. */
  static final long POLL_MILLIS = 500;

  private Watched() {}

  public static void main(String[] args) {
    if (args.length == 0) {
      System.err.println("usage: Watched <main class> [args...]");
      System.exit(2);
    }
    String parent = System.getProperty(PARENT_PID_PROPERTY);
    if (parent != null && !parent.isBlank()) {
      watchParent(Long.parseLong(parent.trim()));
    }
    String mainClass = args[0];
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    try {
      Method main = Class.forName(mainClass, true, ClassLoader.getSystemClassLoader())
          .getMethod("main", String[].class);
      if (!Modifier.isStatic(main.getModifiers())) {
        throw new NoSuchMethodException(mainClass + ".main(String[]) is not static");
      }
      main.invoke(null, (Object) rest);
    } catch (InvocationTargetException e) {
      System.err.println("main of " + mainClass + " failed:");
      e.getCause().printStackTrace();
      System.err.flush();
      System.exit(1);
    } catch (ReflectiveOperationException | RuntimeException e) {
      System.err.println("cannot run main of " + mainClass + ":");
      e.printStackTrace();
      System.err.flush();
      System.exit(1);
    }
    // A normal return leaves the JVM to its non-daemon threads, exactly as a plain main would.
  }

  private static void watchParent(long pid) {
    // The handle is taken once: ProcessHandle.isAlive compares the start time too, so a recycled
    // pid does not pass for the parent.
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty() || !handle.get().isAlive()) {
      System.err.println("parent process " + pid + " is already gone; exiting");
      System.err.flush();
      Runtime.getRuntime().halt(PARENT_GONE_STATUS);
    }
    ProcessHandle p = handle.get();
    Thread watcher = new Thread(() -> {
      while (true) {
        try {
          Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
          return;
        }
        if (!p.isAlive()) {
          System.err.println("parent process " + pid + " is gone; halting");
          System.err.flush();
          // halt, not exit: the parent is gone, so nobody waits for an orderly shutdown, and a
          // shutdown hook blocked on a dead peer must not keep this orphan alive. Children this
          // JVM started watch it in turn, so they follow within one poll.
          Runtime.getRuntime().halt(PARENT_GONE_STATUS);
        }
      }
    }, "chora-parent-watch");
    watcher.setDaemon(true);
    watcher.start();
  }
}
