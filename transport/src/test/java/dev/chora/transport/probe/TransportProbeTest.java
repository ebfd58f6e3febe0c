package dev.chora.transport.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.transport.launch.ArteryTransport.Kind;
import dev.chora.transport.launch.MediaDriverProcess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class TransportProbeTest {

  @TempDir Path dir;

  @Test
  @Timeout(120) // normally well under 20 s; the limit only guards against a hang
  void aMinimalTcpRunProducesFiniteFigures() throws Exception {
    TransportProbe.Options options = TransportProbe.Options.defaults()
        .withTransports(Kind.TCP).withRoundTrips(50, 20).withSecondsIdle(1).withLogDir(dir);
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    TransportProbe.Report report = TransportProbe.run(options, new PrintStream(progress, true, StandardCharsets.UTF_8));

    assertEquals(2, report.latencies().size(), "ordinary and large streams");
    for (TransportProbe.Latency l : report.latencies()) {
      assertEquals(50, l.n() + l.lost(), l.toString());
      assertTrue(l.n() > 0, l.toString());
      for (double v : new double[] {l.p50(), l.p90(), l.p99(), l.max()}) {
        assertTrue(Double.isFinite(v) && v > 0, l.toString());
      }
      assertTrue(l.p50() <= l.p90() && l.p90() <= l.p99() && l.p99() <= l.max(), l.toString());
      assertTrue(Double.isFinite(l.others()) && l.others() >= 0, "others' CPU is measured: " + l);
    }
    assertEquals(1, report.idle().size());
    TransportProbe.IdleCpu idle = report.idle().get(0);
    assertTrue(Double.isFinite(idle.nodeA()) && idle.nodeA() >= 0, idle.toString());
    assertTrue(Double.isFinite(idle.nodeB()) && idle.nodeB() >= 0, idle.toString());
    assertTrue(Double.isNaN(idle.driver()), "no driver with tcp");
    assertTrue(Double.isFinite(idle.others()) && idle.others() >= 0, idle.toString());
    assertTrue(report.table().contains("tcp"), report.table());
    assertTrue(progress.toString(StandardCharsets.UTF_8).contains("[1/1] tcp"), progress.toString(StandardCharsets.UTF_8));
  }

  @Test
  void optionsParse() {
    TransportProbe.Options o = TransportProbe.Options.parse("--transports", "tcp,aeron-shared", "--round-trips=10",
        "--seconds-idle", "0", "--idle-cpu-levels", "1,5", "--driver-idle", "1,2,3,4;5,6,7,8", "--streams", "large");
    assertEquals(List.of(Kind.TCP, Kind.AERON_SHARED), o.transports());
    assertEquals(10, o.roundTrips());
    assertEquals(0, o.secondsIdle());
    assertEquals(List.of(1, 5), o.idleCpuLevels());
    assertEquals(List.of(new MediaDriverProcess.Idle(1, 2, 3, 4), new MediaDriverProcess.Idle(5, 6, 7, 8)), o.driverIdles());
    assertEquals(List.of("large"), o.streams());
    assertThrows(IllegalArgumentException.class, () -> TransportProbe.Options.parse("--bogus", "1"));
    assertThrows(IllegalArgumentException.class, () -> TransportProbe.Options.parse("--streams", "huge"));
    assertThrows(IllegalArgumentException.class, () -> TransportProbe.Options.parse("--help"));
  }

  @Test
  void resultLinesParse() {
    TransportProbe.Setup s = new TransportProbe.Setup(Kind.TCP, 0, null);
    TransportProbe.Latency l = TransportProbe.parse(s, "RESULT stream=large n=3 lost=1 1000000,2000000,3000000");
    assertEquals("large", l.stream());
    assertEquals(3, l.n());
    assertEquals(1, l.lost());
    assertEquals(2.0, l.p50());
    assertEquals(3.0, l.max());
    TransportProbe.Latency none = TransportProbe.parse(s, "RESULT stream=ordinary n=0 lost=5 ");
    assertEquals(5, none.lost());
    assertTrue(Double.isNaN(none.p50()));
  }

  @Test
  void nearestRankPercentiles() {
    long[] sorted = new long[100];
    for (int i = 0; i < 100; i++) {
      sorted[i] = (i + 1) * 1_000_000L;
    }
    assertEquals(50.0, TransportProbe.percentile(sorted, 0.50));
    assertEquals(99.0, TransportProbe.percentile(sorted, 0.99));
    assertEquals(1.0, TransportProbe.percentile(new long[] {1_000_000L}, 0.99));
  }
}
