package dev.chora.actors.metrics;

import dev.chora.actors.Chora;
import dev.chora.actors.ReplicaStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A replica's figures as Micrometer meters, beside the JMX {@link ReplicaMXBean}: bind it to the
 * application's {@link MeterRegistry} ({@code ChoraMetrics.forReplica(system).bindTo(registry)}).
 * Micrometer is an optional dependency of chora-actors: an application that uses this class brings
 * micrometer-core itself.
 *
 * <p>The meters read the replica's latest {@link ReplicaStatus}, asked every refresh interval
 * (1 s unless given) rather than on each scrape, so a scrape never waits on the replica. Counters
 * ({@code chora.rounds}, {@code chora.violations}, ...) only grow: the monitoring system derives
 * the round rate and the violation rate from them. Every meter carries the tag
 * {@code replica=<id>} and the tags given. docs/runtime.md lists them.
 */
public final class ChoraMetrics implements MeterBinder, AutoCloseable {
  /** How often the status is asked unless said otherwise: about a scrape interval's resolution. */
  public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(1);

  private final Supplier<CompletionStage<ReplicaStatus>> source;
  private final Tags tags;
  private volatile ReplicaStatus status;
  private volatile double batchRequests;
  private volatile Cancellable schedule;

  ChoraMetrics(int replicaId, Supplier<CompletionStage<ReplicaStatus>> source, Iterable<Tag> tags) {
    this.source = source;
    this.tags = Tags.of(tags).and("replica", Integer.toString(replicaId));
    this.status = ReplicaStatus.starting(replicaId);
  }

  /** The meters of this node's own replica, refreshed every second. */
  public static ChoraMetrics forReplica(ActorSystem<?> system) {
    int id = Chora.get(system).settings().replicaId();
    if (id < 0) {
      throw new IllegalStateException("this node runs no replica: name the replica to watch with"
          + " forReplica(system, replicaId, refresh, tags)");
    }
    return forReplica(system, id, DEFAULT_REFRESH, Tags.empty());
  }

  /**
   * The meters of replica {@code replicaId} (this node's or, asked over the network, another's),
   * its status asked every {@code refresh}; {@link #close()} stops asking.
   */
  public static ChoraMetrics forReplica(ActorSystem<?> system, int replicaId, Duration refresh, Iterable<Tag> tags) {
    if (refresh.isZero() || refresh.isNegative()) {
      throw new IllegalArgumentException("the refresh interval must be positive, not " + refresh);
    }
    Chora chora = Chora.get(system);
    ChoraMetrics metrics = new ChoraMetrics(replicaId, () -> chora.replicaStatus(replicaId), tags);
    metrics.schedule = system.scheduler().scheduleAtFixedRate(Duration.ZERO, refresh, metrics::refresh,
        system.executionContext());
    return metrics;
  }

  /** Asks the status once; the meters show it when it comes (a status not answered leaves the last one). */
  void refresh() {
    source.get().thenAccept(this::publish);
  }

  void publish(ReplicaStatus latest) {
    ReplicaStatus previous = status;
    long rounds = latest.rounds().entered() - previous.rounds().entered();
    long proposed = latest.requests().proposed() - previous.requests().proposed();
    // Per round over the last interval; a restarted replica's counters begin again, so no negative figure.
    batchRequests = rounds > 0 && proposed >= 0 ? (double) proposed / rounds : 0;
    status = latest;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    counter(registry, "chora.rounds", "rounds this replica has proposed in", s -> s.rounds().entered());
    counter(registry, "chora.rounds.timed.out", "rounds entered by timeout rather than with every member's message",
        s -> s.rounds().timedOut());
    counter(registry, "chora.violations", "synchrony violations seen (a round missing a member's message)",
        s -> s.rounds().violations());
    counter(registry, "chora.view.changes", "view changes this replica started", s -> s.viewChanges().started());
    counter(registry, "chora.suspicions", "view changes started because a member missed rounds",
        s -> s.viewChanges().suspicions());
    counter(registry, "chora.requests.proposed", "client requests this replica put into its batches",
        s -> s.requests().proposed());
    counter(registry, "chora.requests.executed", "client requests applied to the state machine here",
        s -> s.requests().executed());
    counter(registry, "chora.state.requests", "state-transfer requests sent to catch up",
        s -> s.progress().stateRequests());
    counter(registry, "chora.refused.forged", "peer messages dropped: not sent by the replica they name",
        s -> s.refused().forgedPeerMessages());
    counter(registry, "chora.refused.non.members", "client batches and queries refused from outside the cluster",
        s -> s.refused().fromNonMembers());
    gauge(registry, "chora.requests.queued", "requests waiting for this replica's next batch",
        s -> s.requests().queued());
    Gauge.builder("chora.batch.requests", this, m -> m.batchRequests).tags(tags).strongReference(true)
        .description("requests per round this replica proposed, over the last refresh interval").register(registry);
    gauge(registry, "chora.view", "the view number", s -> s.view().number());
    gauge(registry, "chora.active.replicas", "replicas in the view's active set",
        s -> Integer.bitCount(s.view().activeSet()));
    for (ReplicaStatus.State state : ReplicaStatus.State.values()) {
      Gauge.builder("chora.status", this, m -> m.status.view().state() == state ? 1 : 0)
          .tags(tags.and("state", state.name())).strongReference(true)
          .description("1 for the state the replica is in, 0 for the others").register(registry);
    }
    gauge(registry, "chora.round", "the round the replica is in", s -> s.progress().currentRound());
    gauge(registry, "chora.round.committed", "the last round it knows committed", s -> s.progress().commitIndex());
    gauge(registry, "chora.round.executed", "the last round applied to its state machine",
        s -> s.progress().executedRound());
    gauge(registry, "chora.warming.up", "1 within protocol.warm-up of the replica's start", s -> s.warmingUp() ? 1 : 0);
    counter(registry, "chora.storage.syncs", "syncs of the replica's log, each covering every entry appended"
        + " before it (durable mode; 0 in memory mode)", s -> s.storage().syncs());
    counter(registry, "chora.storage.bytes.written", "bytes written to the replica's log (durable mode)",
        s -> s.storage().bytesWritten());
    gauge(registry, "chora.storage.persisted", "the highest log entry number on disk (durable mode)",
        s -> s.storage().persistedSeq());
    gauge(registry, "chora.storage.durable", "1 in durable mode (log on disk), 0 in memory mode",
        s -> s.storage().durable() ? 1 : 0);
    gauge(registry, "chora.storage.failed", "1 once the disk failed and the replica stopped acknowledging",
        s -> s.storage().failed() ? 1 : 0);
    timeGauge(registry, "chora.storage.sync.latency", "time of one sync of the log, recent syncs",
        Tags.of("percentile", "0.5"), s -> s.storage().syncP50Millis());
    timeGauge(registry, "chora.storage.sync.latency", "time of one sync of the log, recent syncs",
        Tags.of("percentile", "0.99"), s -> s.storage().syncP99Millis());
    timeGauge(registry, "chora.round.timeout", "the round timeout in use", Tags.empty(), s -> s.rounds().timeoutMillis());
    timeGauge(registry, "chora.commit.latency", "time from proposing a round to its commit, recent rounds",
        Tags.of("percentile", "0.5"), s -> s.rounds().commitLatencyP50Millis());
    timeGauge(registry, "chora.commit.latency", "time from proposing a round to its commit, recent rounds",
        Tags.of("percentile", "0.99"), s -> s.rounds().commitLatencyP99Millis());
  }

  private void counter(MeterRegistry registry, String name, String description, ToDoubleFunction<ReplicaStatus> f) {
    FunctionCounter.builder(name, this, m -> f.applyAsDouble(m.status)).tags(tags).description(description)
        .register(registry);
  }

  private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<ReplicaStatus> f) {
    // Strong: the registry keeps this binder alive, so the caller need not hold it.
    Gauge.builder(name, this, m -> f.applyAsDouble(m.status)).tags(tags).description(description)
        .strongReference(true).register(registry);
  }

  private void timeGauge(MeterRegistry registry, String name, String description, Tags extra,
      ToDoubleFunction<ReplicaStatus> millis) {
    TimeGauge.builder(name, this, TimeUnit.MILLISECONDS, m -> millis.applyAsDouble(m.status))
        .tags(tags.and(extra)).description(description).register(registry);
  }

  /** Stops asking the replica; the meters keep the last figures. */
  @Override
  public void close() {
    Cancellable s = schedule;
    if (s != null) {
      s.cancel();
    }
  }
}
