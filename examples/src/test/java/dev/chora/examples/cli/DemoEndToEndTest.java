package dev.chora.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chora demo} end to end, short: three replica JVMs over Artery TCP in durable mode (the
 * default), a replica SIGKILLed and restarted, then every replica SIGKILLed at once and restarted
 * from disk with every acknowledged write read back, and the final check (identical digests,
 * unchanged bank total) passing: exit 0.
 */
class DemoEndToEndTest {
  @TempDir
  Path dir;

  @Test
  void aShortDemoPassesItsCheck() throws Exception {
    Path history = dir.resolve("history.jsonl");
    // The demo prints its events and summary on System.out (progress lines rewritten in place).
    PrintStream original = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    CliTest.Run r;
    try {
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      r = CliTest.run("demo", "--transport", "tcp", "--duration", "12s", "--clients", "4",
          "--round-timeout", "10ms", "--logs", dir.resolve("logs").toString(), "--history", history.toString());
    } finally {
      System.setOut(original);
    }
    String out = printed.toString(StandardCharsets.UTF_8);
    original.print(out);
    assertEquals(0, r.code(), "the demo's check failed: " + r.err() + " (logs in " + dir + ")");
    List<String> ops = Files.readAllLines(history);
    assertTrue(ops.stream().anyMatch(l -> l.contains("\"op\":\"transfer\"")), "transfers in the history");
    assertTrue(ops.stream().anyMatch(l -> l.contains("\"op\":\"cas\"")), "compare-and-sets in the history");
    assertTrue(Files.exists(dir.resolve("logs/replica-2-start2.log")), "replica 2 was restarted");
    // Durable by default: the killed replica came back from its own data directory, deleted at the end.
    assertTrue(out.contains("restarting replica 2 (pid ") && out.contains(") from its data directory"), out);
    assertTrue(Files.readString(dir.resolve("logs/replica-2-start2.log")).contains("durable, data directory "
        + dir.resolve("logs/data/replica-2")), "the restarted node names its data directory");
    assertTrue(!Files.exists(dir.resolve("logs/data")), "the replicas' data directories are deleted at the end");
    for (int i = 0; i < 3; i++) {
      assertTrue(Files.exists(dir.resolve("logs/replica-" + i + "-start" + (i == 2 ? 3 : 2) + ".log")),
          "replica " + i + " was started again after the crash of every replica");
    }
    java.util.regex.Matcher crash = Pattern.compile("all-crash PASS: all (\\d+) writes acknowledged before the crash"
        + " read back with their values").matcher(out);
    assertTrue(crash.find(), "the all-crash phase read back every acknowledged write: " + out);
    assertTrue(Long.parseLong(crash.group(1)) > 0, "writes were acknowledged before the crash: " + out);
    assertTrue(out.contains("PASSED: every acknowledged write survived the crash of every replica"), out);
    assertTrue(Pattern.compile("replica 2 killed .*; removed by a view change \\d+ ms later").matcher(out).find(),
        "the summary gives the fail-over, measured: " + out);
    assertEquals(0, ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count(),
        "every JVM the demo started has stopped");
  }
}
