package dev.chora.actors.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.actors.ReplicaStatus;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A replica's status as Micrometer meters, and as Prometheus scrapes them (docs/runtime.md). */
class ChoraMetricsTest {
  static ReplicaStatus status(long rounds, long violations, long proposed, int queued, ReplicaStatus.State state) {
    return new ReplicaStatus(1, new ReplicaStatus.View(state, 4, 0b111),
        new ReplicaStatus.Progress(rounds + 1, rounds, rounds - 2, 0),
        new ReplicaStatus.Rounds(rounds, 3, violations, 5.0, 0.75, 2.5),
        new ReplicaStatus.Requests(proposed, proposed * 3, queued), new ReplicaStatus.ViewChanges(2, 1, 0, 0, 0, 0), new ReplicaStatus.Refused(0, 0),
        false, System.nanoTime());
  }

  @Test
  void metersFollowTheLatestStatus() {
    AtomicReference<ReplicaStatus> next = new AtomicReference<>(status(100, 7, 400, 5, ReplicaStatus.State.NORMAL));
    ChoraMetrics metrics = new ChoraMetrics(1, () -> CompletableFuture.completedFuture(next.get()), Tags.of("app", "t"));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    metrics.bindTo(registry);
    assertEquals(0, registry.get("chora.rounds").functionCounter().count(), "nothing before the first answer");
    assertEquals(1, registry.get("chora.status").tag("state", "STARTING").gauge().value());

    metrics.refresh();
    assertEquals(100, registry.get("chora.rounds").tags("replica", "1", "app", "t").functionCounter().count());
    assertEquals(7, registry.get("chora.violations").functionCounter().count());
    assertEquals(5, registry.get("chora.requests.queued").gauge().value());
    assertEquals(4, registry.get("chora.view").gauge().value());
    assertEquals(3, registry.get("chora.active.replicas").gauge().value());
    assertEquals(1, registry.get("chora.status").tag("state", "NORMAL").gauge().value());
    assertEquals(0, registry.get("chora.status").tag("state", "STARTING").gauge().value());
    assertEquals(98, registry.get("chora.round.executed").gauge().value());
    assertEquals(2.5, registry.get("chora.commit.latency").tag("percentile", "0.99").timeGauge().value(TimeUnit.MILLISECONDS),
        1e-9);
    assertEquals(5.0, registry.get("chora.round.timeout").timeGauge().value(TimeUnit.MILLISECONDS), 1e-9);

    // 50 more rounds carrying 200 more requests: 4 requests per round over the interval.
    next.set(status(150, 9, 600, 0, ReplicaStatus.State.VIEW_CHANGE));
    metrics.refresh();
    assertEquals(4.0, registry.get("chora.batch.requests").gauge().value(), 1e-9);
    assertEquals(150, registry.get("chora.rounds").functionCounter().count());
    assertEquals(1, registry.get("chora.status").tag("state", "VIEW_CHANGE").gauge().value());
  }

  /** A durable replica's storage: its syncs, their latency, and whether its disk failed (docs/runtime.md). */
  @Test
  void storageMetersShowTheSyncsAndAFailedDisk() {
    ReplicaStatus base = status(100, 7, 400, 5, ReplicaStatus.State.NORMAL);
    AtomicReference<ReplicaStatus> next = new AtomicReference<>(withStorage(base,
        new ReplicaStatus.Storage(true, "/d/r1", 500, 480, 120, 0.16, 3.0, 65536, "")));
    ChoraMetrics metrics = new ChoraMetrics(1, () -> CompletableFuture.completedFuture(next.get()), Tags.empty());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    metrics.bindTo(registry);
    assertEquals(0, registry.get("chora.storage.durable").gauge().value(), "memory until the first answer");
    metrics.refresh();
    assertEquals(120, registry.get("chora.storage.syncs").functionCounter().count());
    assertEquals(480, registry.get("chora.storage.persisted").gauge().value());
    assertEquals(1, registry.get("chora.storage.durable").gauge().value());
    assertEquals(0, registry.get("chora.storage.failed").gauge().value());
    assertEquals(3.0, registry.get("chora.storage.sync.latency").tag("percentile", "0.99").timeGauge()
        .value(TimeUnit.MILLISECONDS), 1e-9);
    String scrape = registry.scrape();
    assertTrue(scrape.contains("chora_storage_syncs_total{replica=\"1\"} 120"), scrape);
    next.set(withStorage(base, new ReplicaStatus.Storage(true, "/d/r1", 510, 480, 120, 0.16, 3.0, 65536,
        "stopped acknowledging: disk full at /d/r1")));
    metrics.refresh();
    assertEquals(1, registry.get("chora.storage.failed").gauge().value());
  }

  static ReplicaStatus withStorage(ReplicaStatus s, ReplicaStatus.Storage storage) {
    return new ReplicaStatus(s.replicaId(), s.view(), s.progress(), s.rounds(), s.requests(), s.viewChanges(),
        s.refused(), s.warmingUp(), s.sampledAtNanos(), storage);
  }

  @Test
  void aStatusNotAnsweredLeavesTheLastOne() {
    AtomicReference<CompletableFuture<ReplicaStatus>> next = new AtomicReference<>(
        CompletableFuture.completedFuture(status(10, 0, 10, 0, ReplicaStatus.State.NORMAL)));
    ChoraMetrics metrics = new ChoraMetrics(1, next::get, Tags.empty());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    metrics.bindTo(registry);
    metrics.refresh();
    next.set(CompletableFuture.failedFuture(new java.util.concurrent.TimeoutException("no answer")));
    metrics.refresh();
    assertEquals(10, registry.get("chora.rounds").functionCounter().count());
  }

  /** The example of docs/runtime.md, "Micrometer and Prometheus": what a scrape shows. */
  @Test
  void prometheusScrapesTheMeters() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ChoraMetrics metrics = new ChoraMetrics(1,
        () -> CompletableFuture.completedFuture(status(100, 7, 400, 5, ReplicaStatus.State.NORMAL)), Tags.empty());
    metrics.bindTo(registry);
    metrics.refresh();
    String scrape = registry.scrape();
    assertTrue(scrape.contains("chora_rounds_total{replica=\"1\"} 100"), scrape);
    assertTrue(scrape.contains("chora_violations_total{replica=\"1\"} 7"), scrape);
    assertTrue(scrape.contains("chora_commit_latency_seconds{percentile=\"0.99\",replica=\"1\"} 0.0025"), scrape);
    assertTrue(scrape.contains("chora_status{replica=\"1\",state=\"NORMAL\"} 1"), scrape);
  }
}
