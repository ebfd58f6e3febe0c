package dev.chora.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.actors.client.ChoraOverloadedException;
import dev.chora.actors.client.ChoraSessionExpiredException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchPiecesTest {
  @TempDir
  Path dir;

  @Test
  void histogramPercentilesWithinAThousandth() {
    LatencyHistogram h = new LatencyHistogram();
    for (long us = 1; us <= 100_000; us++) {
      h.recordNanos(us * 1_000);
    }
    assertEquals(100_000, h.count());
    assertEquals(50.0, h.percentileMillis(0.5), 50.0 * 0.001);
    assertEquals(99.0, h.percentileMillis(0.99), 99.0 * 0.001);
    assertEquals(100.0, h.maxMillis(), 1e-9);
    assertEquals(100.0, h.percentileMillis(1.0), 100.0 * 0.001);
    for (long us : new long[] {0, 1, 63, 64, 65, 127, 128, 1000, 123_456_789, Long.MAX_VALUE / 2_000}) {
      LatencyHistogram one = new LatencyHistogram();
      one.recordNanos(us * 1_000);
      double ms = us / 1_000.0;
      assertEquals(ms, one.percentileMillis(0.5), Math.max(0.001, ms * 0.001), us + " us");
    }
    LatencyHistogram copy = h.snapshotAndReset();
    assertEquals(0, h.count());
    assertEquals(0, h.percentileMillis(0.5));
    assertEquals(100_000, copy.count());
    h.add(copy);
    assertEquals(100_000, h.count());
  }

  @Test
  void levelResultEncodesAndDecodes() {
    LevelResult r = new LevelResult(16, 10.0, 12345, 2, 1, 1.5, 7.25, 30.0, 812.5, 0.875, 4, 2, new LinkedHashMap<>());
    LevelResult back = LevelResult.decode(r.encode());
    assertEquals(r, back);
    assertEquals(1234.5, back.opsPerSecond(), 1e-9);
  }

  @Test
  void durableLevelsCarryTheirDiskFigures() {
    LevelResult r = new LevelResult(256, 20.0, 1_000_000, 0, 0, 3.9, 11.6, 119.0, 1366, 2.37, 385, 0,
        new LinkedHashMap<>(), new LevelResult.Disk(812.0, 301.5, 2.75));
    LevelResult back = LevelResult.decode(r.encode());
    assertEquals(r, back);
    String table = BenchReport.table(List.of(r));
    assertTrue(table.contains("syncs/s") && table.contains("disk B/op") && table.contains("sync p99")
        && table.contains("812") && table.contains("302") && table.contains("2.75"), table);
    assertTrue(!BenchReport.table(List.of(new LevelResult(1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, new LinkedHashMap<>())))
        .contains("syncs/s"), "memory mode has no disk columns");
  }

  @Test
  void aLevelCarriesWhereARequestsTimeWent() {
    LevelResult.RequestPath path = new LevelResult.RequestPath(0.95, 0.12, 0.41);
    LevelResult r = new LevelResult(1, 20.0, 20_000, 0, 0, 0.9, 2.5, 9.0, 2100, 0.4, 0, 0,
        new LinkedHashMap<>(), LevelResult.Disk.NONE, path);
    LevelResult back = LevelResult.decode(r.encode());
    assertEquals(r, back);
    assertEquals(0.42, back.path().elsewhereMs(), 1e-9, "the client's mean less the parts measured at the replica");
    assertEquals(LevelResult.RequestPath.NONE, LevelResult.decode(
        new LevelResult(1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, new LinkedHashMap<>()).encode()).path());
  }

  @Test
  void tableCsvAndChart() throws Exception {
    Map<String, Double> cpu = new LinkedHashMap<>();
    cpu.put("replica-0", 55.0);
    cpu.put("load", 20.0);
    List<LevelResult> levels = List.of(
        new LevelResult(1, 10, 2000, 0, 0, 0.5, 1.1, 3, 900, 0.25, 0, 0, cpu),
        new LevelResult(16, 10, 20000, 0, 0, 0.8, 2.5, 9, 1200, 0.5, 3, 1, cpu));
    String table = BenchReport.table(levels);
    assertTrue(table.contains("in-flight") && table.contains("views") && table.contains("cpu replica-0")
        && table.contains("2000"), table);
    String[] rows = table.split("\n");
    assertEquals(rows[0].indexOf("cpu replica-0") + "cpu replica-0".length(), rows[1].indexOf("55%") + "55%".length(),
        "a CPU value ends under its header:\n" + table);
    assertEquals(rows[0].length(), rows[1].length(), "the rows line up:\n" + table);
    Path csv = dir.resolve("results.csv");
    BenchReport.writeCsv(levels, csv);
    List<String> lines = Files.readAllLines(csv);
    assertTrue(lines.get(0).startsWith("in_flight,ops_per_s,p50_ms,p99_ms,"), lines.get(0));
    assertTrue(lines.get(0).endsWith(",cpu_pct_replica-0,cpu_pct_load"), lines.get(0));
    assertTrue(lines.get(2).startsWith("16,2000.0,0.800,2.500,9.000,1200.0,3,1,0,0,"), lines.get(2));
    assertTrue(lines.get(0).contains(",ops,commit_p50_ms,") && lines.get(2).contains(",20000,0.500,"), lines.get(2));
    assertTrue(table.contains("commit ms") && table.contains("0.50"), table);
    assertEquals(3, lines.size());
    Path png = dir.resolve("chart.png");
    BenchReport.writeChart(levels, "test", png);
    byte[] bytes = Files.readAllBytes(png);
    assertTrue(bytes.length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G');
  }

  @Test
  void tableCsvAndChartByProposerPolicy() throws Exception {
    Map<String, Double> cpu = new LinkedHashMap<>();
    cpu.put("replica-0", 55.0);
    Map<String, List<LevelResult>> byPolicy = new LinkedHashMap<>();
    byPolicy.put("all", List.of(new LevelResult(1, 10, 2000, 0, 0, 0.5, 1.1, 3, 900, 0.25, 0, 0, cpu),
        new LevelResult(16, 10, 20000, 0, 0, 0.8, 2.5, 9, 1200, 0.5, 0, 0, cpu)));
    byPolicy.put("leader", List.of(new LevelResult(1, 10, 1500, 0, 0, 0.6, 1.3, 3, 900, 0.25, 0, 0, cpu),
        new LevelResult(16, 10, 9000, 0, 0, 1.7, 3.5, 9, 1200, 0.5, 0, 0, cpu)));
    String[] rows = BenchReport.table(byPolicy).split("\n");
    assertEquals(5, rows.length, String.join("\n", rows));
    assertTrue(rows[0].startsWith("proposers ") && rows[0].contains("in-flight") && rows[0].contains("cpu replica-0"),
        rows[0]);
    assertTrue(rows[1].startsWith("all ") && rows[3].startsWith("leader ") && rows[4].contains(" 900 "), rows[4]);
    assertEquals(rows[1].length(), rows[4].length(), "the rows line up");
    Path csv = dir.resolve("by-policy.csv");
    BenchReport.writeCsv(byPolicy, csv);
    List<String> lines = Files.readAllLines(csv);
    assertTrue(lines.get(0).startsWith("in_flight,ops_per_s,p50_ms,p99_ms,"), lines.get(0));
    assertTrue(lines.get(0).endsWith(",replication_ms,proposers,cpu_pct_replica-0"), lines.get(0));
    assertEquals(5, lines.size());
    assertTrue(lines.get(1).endsWith(",all,55.0") && lines.get(4).startsWith("16,900.0,")
        && lines.get(4).endsWith(",leader,55.0"), lines.get(4));
    Path png = dir.resolve("by-policy.png");
    BenchReport.writeChart(byPolicy, "test", png);
    byte[] bytes = Files.readAllBytes(png);
    assertTrue(bytes.length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G');
  }

  @Test
  void historyLinesAreJson() throws Exception {
    Path file = dir.resolve("h/history.jsonl");
    try (HistoryWriter w = new HistoryWriter(file)) {
      w.write("c1", "put", "k\"1", "v\n", 10, 20, "ok", "KvReply[ok=true, value=null]");
      w.write("c2", "get", "k", null, 30, 40, "info", "timeout");
      assertEquals(2, w.lines());
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertEquals(2, lines.size());
    assertTrue(lines.get(0).startsWith("{\"client\":\"c1\",\"op\":\"put\",\"key\":\"k\\\"1\",\"value\":\"v\\n\","),
        lines.get(0));
    assertTrue(lines.get(1).contains("\"value\":null") && lines.get(1).contains("\"type\":\"info\""), lines.get(1));
  }

  @Test
  void closedLoopKeepsWorkersBusyAndClassifiesOutcomes() throws Exception {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    Path file = dir.resolve("history.jsonl");
    try (HistoryWriter history = new HistoryWriter(file)) {
      ClosedLoop loop = numberedPuts(history, (f, i) -> {
        if (i % 10 == 9) {
          f.completeExceptionally(new TimeoutException("slow"));
        } else {
          timer.schedule(() -> f.complete(ClosedLoop.Result.ok("r" + i)), 1, TimeUnit.MILLISECONDS);
        }
      });
      loop.start(4);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while ((loop.ok() < 100 || loop.timedOut() == 0) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(loop.stopAndDrain(5_000));
      long ok = loop.ok();
      long info = loop.timedOut();
      assertTrue(ok > 50, "ok " + ok);
      assertTrue(info > 0 && info <= ok, "timeouts " + info);
      assertEquals(ok, loop.level().count());
      assertEquals(0, loop.outstanding());
      history.close();
      assertEquals(ok + info + loop.failed(), Files.readAllLines(file).size());
    } finally {
      timer.shutdownNow();
    }
  }

  /**
   * A refusal the gateway knows did not apply (every attempt refused) is "fail" in the history, so
   * that the history check holds it absent; one that may have applied is "info" (unknown).
   */
  @Test
  void refusalsThatDidNotApplyAreFailuresTheOthersUnknown() throws Exception {
    Path file = dir.resolve("refusals.jsonl");
    List<RuntimeException> errors = List.of(new ChoraOverloadedException(3, false, false),
        new ChoraOverloadedException(3, true, false), new ChoraSessionExpiredException(17, false),
        new ChoraSessionExpiredException(17, true));
    try (HistoryWriter history = new HistoryWriter(file)) {
      ClosedLoop loop = numberedPuts(history, (f, i) -> {
        if (i < errors.size()) {
          f.completeExceptionally(errors.get(i));
        } else {
          f.complete(ClosedLoop.Result.ok("r"));
        }
      });
      loop.start(1);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (loop.ok() < 1 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertTrue(loop.stopAndDrain(5_000));
      history.close();
      Map<String, String> types = new LinkedHashMap<>();
      for (String line : Files.readAllLines(file)) {
        String key = line.replaceAll(".*\"key\":\"(k[0-9]+)\".*", "$1");
        String type = line.replaceAll(".*\"type\":\"([a-z]+)\".*", "$1");
        types.put(key, type);
      }
      assertEquals("fail", types.get("k0"), "overloaded, not applied: " + types);
      assertEquals("info", types.get("k1"), "overloaded, may have applied: " + types);
      assertEquals("fail", types.get("k2"), "session expired, not applied: " + types);
      assertEquals("info", types.get("k3"), "session expired, may have applied: " + types);
      assertEquals(2, loop.failed());
    }
  }

  /** A loop of puts numbered from 0 (key "k" + number), each completed by {@code outcome}. */
  private static ClosedLoop numberedPuts(HistoryWriter history,
      java.util.function.ObjIntConsumer<CompletableFuture<ClosedLoop.Result>> outcome) {
    int[] n = {0};
    return new ClosedLoop(worker -> {
      int i;
      synchronized (n) {
        i = n[0]++;
      }
      CompletableFuture<ClosedLoop.Result> f = new CompletableFuture<>();
      outcome.accept(f, i);
      return new ClosedLoop.Op("put", "k" + i, "v", f);
    }, history, "w");
  }
}
