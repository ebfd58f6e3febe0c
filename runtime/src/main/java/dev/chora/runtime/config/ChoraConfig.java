package dev.chora.runtime.config;

import dev.chora.runtime.message.RoundSlots;
import java.util.ArrayList;
import java.util.List;

/**
 * Protocol settings of one Chora replica group. Immutable; build with {@link #builder(int)}.
 *
 * <p>Every value is checked when built: an impossible combination fails with a
 * {@link InvalidConfigException} that names the setting, what is wrong and how to fix it, so a
 * misconfigured node never starts.
 */
public final class ChoraConfig {
  private final int replicas;
  private final long minRoundIntervalNanos;
  private final long roundTimeoutNanos;
  private final long roundTimeoutMaxNanos;
  private final long idleRoundIntervalNanos;
  private final int maxBatchBytes;
  private final int maxBatchRequests;
  private final int maxRequestBytes;
  private final int maxQueuedRequests;
  private final long maxQueuedBytes;
  private final int maxPendingReads;
  private final int maxRoundsInFlight;
  private final int logWindowRounds;
  private final int maxTransferBytes;
  private final int maxClients;
  private final int suspectAfterRounds;
  private final long suspectAfterMaxNanos;
  private final long suspectLateAfterNanos;
  private final long warmUpNanos;
  private final int warmUpSuspicionFactor;
  private final long viewChangeTimeoutNanos;
  private final int snapshotEveryRounds;
  private final long snapshotEveryBytes;
  private final long maxLogBytes;
  private final int rejoinAfterRounds;
  private final int maxSnapshotBytes;
  private final int divergenceCheckEverySnapshots;
  private final boolean durable;
  private final ProposerPolicy proposers;

  private ChoraConfig(Builder b) {
    this.replicas = b.replicas;
    this.minRoundIntervalNanos = b.minRoundIntervalNanos;
    this.roundTimeoutNanos = b.roundTimeoutNanos;
    this.roundTimeoutMaxNanos = b.effectiveRoundTimeoutMax();
    this.idleRoundIntervalNanos = b.idleRoundIntervalNanos;
    this.maxBatchBytes = b.maxBatchBytes;
    this.maxBatchRequests = b.maxBatchRequests;
    this.maxRequestBytes = b.maxRequestBytes;
    this.maxQueuedRequests = b.maxQueuedRequests;
    this.maxQueuedBytes = b.maxQueuedBytes;
    this.maxPendingReads = b.maxPendingReads;
    this.maxRoundsInFlight = b.maxRoundsInFlight;
    this.logWindowRounds = b.logWindowRounds;
    this.maxTransferBytes = b.maxTransferBytes;
    this.maxClients = b.maxClients;
    this.suspectAfterRounds = b.suspectAfterRounds;
    this.suspectAfterMaxNanos = b.effectiveSuspectAfterMax();
    this.suspectLateAfterNanos = b.effectiveSuspectLateAfter();
    this.warmUpNanos = b.warmUpNanos;
    this.warmUpSuspicionFactor = b.warmUpSuspicionFactor;
    this.viewChangeTimeoutNanos = b.viewChangeTimeoutNanos;
    this.snapshotEveryRounds = b.snapshotEveryRounds;
    this.snapshotEveryBytes = b.snapshotEveryBytes;
    this.maxLogBytes = b.maxLogBytes;
    this.rejoinAfterRounds = b.rejoinAfterRounds;
    this.maxSnapshotBytes = b.maxSnapshotBytes;
    this.divergenceCheckEverySnapshots = b.divergenceCheckEverySnapshots;
    this.durable = b.durable;
    this.proposers = b.proposers;
  }

  public static Builder builder(int replicas) {
    return new Builder(replicas);
  }

  /** N = 2f + 1. */
  public int replicas() { return replicas; }
  /** f: how many replicas may fail at once. */
  public int faultTolerance() { return (replicas - 1) / 2; }
  /** f + 1: acknowledgements needed to commit a slot. */
  public int quorum() { return faultTolerance() + 1; }
  public long minRoundIntervalNanos() { return minRoundIntervalNanos; }
  /** The round timeout's floor: where it starts, and the least the loosened round length uses. */
  public long roundTimeoutNanos() { return roundTimeoutNanos; }
  /**
   * The most the round timeout adapts up to when peers' messages come late (DESIGN §4); equal to
   * {@link #roundTimeoutNanos()}, the timeout is fixed. Failure detection takes up to
   * suspect-after-rounds times this.
   */
  public long roundTimeoutMaxNanos() { return roundTimeoutMaxNanos; }
  public long idleRoundIntervalNanos() { return idleRoundIntervalNanos; }
  public int maxBatchBytes() { return maxBatchBytes; }
  public int maxBatchRequests() { return maxBatchRequests; }
  public int maxRequestBytes() { return maxRequestBytes; }
  public int maxQueuedRequests() { return maxQueuedRequests; }
  public long maxQueuedBytes() { return maxQueuedBytes; }
  public int maxPendingReads() { return maxPendingReads; }
  public int maxRoundsInFlight() { return maxRoundsInFlight; }
  /** Rounds the log can hold at once; messages for rounds beyond it are dropped (and refetched). */
  public int logWindowRounds() { return logWindowRounds; }
  public int maxTransferBytes() { return maxTransferBytes; }
  public int maxClients() { return maxClients; }
  /** Consecutive rounds an active member may miss before it is suspected and a view change starts. */
  public int suspectAfterRounds() { return suspectAfterRounds; }
  /**
   * The longest an active member may stay silent, in violations in a row, before it is suspected,
   * whatever the adapted round timeout: suspicion comes after suspect-after-rounds violations or
   * after this much silence, whichever is first. It bounds failure detection when the loosened
   * round length has stretched the timeout under load. Unset, suspect-after-rounds x
   * round-timeout-max (the rounds alone decide).
   */
  public long suspectAfterMaxNanos() { return suspectAfterMaxNanos; }
  /**
   * The longest suspicion of a live member may wait (at least suspect-after-max). A member still
   * heard from but missing rounds (late, not silent) is suspected once it has missed
   * suspect-after-rounds rounds in a row for this long; a member that recently paused and came
   * back may stay silent up to twice its pause, within this, before it is suspected. Never less
   * than suspect-after-max (a longer suspect-after-max raises it); unset, equal to it: no slack.
   */
  public long suspectLateAfterNanos() { return suspectLateAfterNanos; }
  /**
   * How long after a replica's first input it counts as warming up: its suspect-after-rounds and
   * suspect-after-max are then {@link #warmUpSuspicionFactor()} times longer, so that a young
   * JVM's compilation and collection pauses, and those of a whole group that has just started, do
   * not cost view changes. 0: no warm-up.
   */
  public long warmUpNanos() { return warmUpNanos; }
  /** What both suspicion thresholds are multiplied by while a replica warms up; 1 changes nothing. */
  public int warmUpSuspicionFactor() { return warmUpSuspicionFactor; }
  /** A view change that has not completed by then moves on to the next view (next coordinator). */
  public long viewChangeTimeoutNanos() { return viewChangeTimeoutNanos; }
  /** Executed state is snapshotted every this many rounds; the log is truncated below the snapshot. */
  public int snapshotEveryRounds() { return snapshotEveryRounds; }
  /**
   * ... or sooner, once the batches executed since the last snapshot hold this many bytes: the log
   * kept in memory between snapshots stays about this size, however heavy the load.
   */
  public long snapshotEveryBytes() { return snapshotEveryBytes; }
  /**
   * The most request bytes the log holds: past it this replica proposes no new round, and a
   * replica outside the active set stores no more of its peers' slots (it fetches them later), so
   * the log's memory stays bounded when execution or snapshots fall behind, however long the
   * window in rounds.
   */
  public long maxLogBytes() { return maxLogBytes; }
  /** Consecutive on-time rounds after which a member outside the active set is added back. */
  public int rejoinAfterRounds() { return rejoinAfterRounds; }
  /** The largest snapshot this replica accepts in a state transfer. */
  public int maxSnapshotBytes() { return maxSnapshotBytes; }
  /** Replicas compare state digests every this many snapshot-every-rounds intervals; 0: never. */
  public int divergenceCheckEverySnapshots() { return divergenceCheckEverySnapshots; }

  /**
   * The checkpoint rounds of divergence detection are the multiples of this (the same rounds on
   * every replica, each one a snapshot round); 0 when detection is off.
   */
  /**
   * Durable mode: the core emits what must be on disk ({@code CoreOutput.persist}), acknowledges
   * only persisted slots and sends a message that reveals a promise or an adoption only once the view
   * state is persisted. False is the diskless mode (the paper's): a restarted replica recovers from
   * its peers.
   */
  public boolean durable() { return durable; }

  /**
   * Which active replicas put client requests in their slots: {@link ProposerPolicy#ALL} (Chora,
   * the default) or one of the baselines kept for comparisons.
   */
  public ProposerPolicy proposers() { return proposers; }

  public long divergenceCheckEveryRounds() { return (long) snapshotEveryRounds * divergenceCheckEverySnapshots; }

  @Override
  public String toString() {
    return "ChoraConfig{replicas=" + replicas
        + ", minRoundInterval=" + minRoundIntervalNanos + "ns"
        + ", roundTimeout=" + roundTimeoutNanos + "ns"
        + ", roundTimeoutMax=" + roundTimeoutMaxNanos + "ns"
        + ", idleRoundInterval=" + idleRoundIntervalNanos + "ns"
        + ", maxBatchBytes=" + maxBatchBytes
        + ", maxBatchRequests=" + maxBatchRequests
        + ", maxRequestBytes=" + maxRequestBytes
        + ", maxQueuedRequests=" + maxQueuedRequests
        + ", maxQueuedBytes=" + maxQueuedBytes
        + ", maxPendingReads=" + maxPendingReads
        + ", maxRoundsInFlight=" + maxRoundsInFlight
        + ", logWindowRounds=" + logWindowRounds
        + ", maxTransferBytes=" + maxTransferBytes
        + ", maxClients=" + maxClients
        + ", suspectAfterRounds=" + suspectAfterRounds + ", suspectAfterMaxNanos=" + suspectAfterMaxNanos
        + ", suspectLateAfterNanos=" + suspectLateAfterNanos
        + ", warmUp=" + warmUpNanos + "ns, warmUpSuspicionFactor=" + warmUpSuspicionFactor
        + ", viewChangeTimeout=" + viewChangeTimeoutNanos + "ns"
        + ", snapshotEveryRounds=" + snapshotEveryRounds
        + ", snapshotEveryBytes=" + snapshotEveryBytes
        + ", maxLogBytes=" + maxLogBytes
        + ", rejoinAfterRounds=" + rejoinAfterRounds
        + ", maxSnapshotBytes=" + maxSnapshotBytes
        + ", divergenceCheckEverySnapshots=" + divergenceCheckEverySnapshots
        + ", durable=" + durable
        + ", proposers=" + proposers.configName() + '}';
  }

  /** A builder holding every value of this configuration (the derived ones as set), to change a few. */
  public Builder toBuilder() {
    return new Builder(replicas)
        .minRoundIntervalNanos(minRoundIntervalNanos)
        .roundTimeoutNanos(roundTimeoutNanos)
        .roundTimeoutMaxNanos(roundTimeoutMaxNanos)
        .idleRoundIntervalNanos(idleRoundIntervalNanos)
        .maxBatchBytes(maxBatchBytes)
        .maxBatchRequests(maxBatchRequests)
        .maxRequestBytes(maxRequestBytes)
        .maxQueuedRequests(maxQueuedRequests)
        .maxQueuedBytes(maxQueuedBytes)
        .maxPendingReads(maxPendingReads)
        .maxRoundsInFlight(maxRoundsInFlight)
        .logWindowRounds(logWindowRounds)
        .maxTransferBytes(maxTransferBytes)
        .maxClients(maxClients)
        .suspectAfterRounds(suspectAfterRounds)
        .suspectAfterMaxNanos(suspectAfterMaxNanos)
        .suspectLateAfterNanos(suspectLateAfterNanos)
        .warmUpNanos(warmUpNanos)
        .warmUpSuspicionFactor(warmUpSuspicionFactor)
        .viewChangeTimeoutNanos(viewChangeTimeoutNanos)
        .snapshotEveryRounds(snapshotEveryRounds)
        .snapshotEveryBytes(snapshotEveryBytes)
        .maxLogBytes(maxLogBytes)
        .rejoinAfterRounds(rejoinAfterRounds)
        .maxSnapshotBytes(maxSnapshotBytes)
        .divergenceCheckEverySnapshots(divergenceCheckEverySnapshots)
        .durable(durable)
        .proposers(proposers);
  }

  /** The longest warm-up accepted: longer is a mistake in units, not a wish. */
  public static final long MAX_WARM_UP_NANOS = 86_400_000_000_000L;
  /** The largest warm-up suspicion factor accepted. */
  public static final int MAX_WARM_UP_SUSPICION_FACTOR = 16;

  /** round-timeout-max, when not set, is this many times round-timeout. */
  public static final long DEFAULT_ROUND_TIMEOUT_MAX_FACTOR = 4;

  /** Defaults suit a data-centre LAN or one host; see the README for tuning. */
  public static final class Builder {
    private final int replicas;
    private long minRoundIntervalNanos = 0;
    private long roundTimeoutNanos = 5_000_000;
    /** Unset (-1): see {@link #effectiveRoundTimeoutMax()}. */
    private long roundTimeoutMaxNanos = -1;
    private long idleRoundIntervalNanos = 10_000_000;
    private int maxBatchBytes = 64 * 1024;
    private int maxBatchRequests = 4096;
    private int maxRequestBytes = 16 * 1024;
    private int maxQueuedRequests = 100_000;
    private long maxQueuedBytes = 64L * 1024 * 1024;
    private int maxPendingReads = 100_000;
    private int maxRoundsInFlight = 8;
    private int logWindowRounds = 8192;
    private int maxTransferBytes = 1024 * 1024;
    private int maxClients = 100_000;
    private int suspectAfterRounds = 10;
    private long suspectAfterMaxNanos = -1;
    private long suspectLateAfterNanos = -1;
    private long warmUpNanos = 0;
    private int warmUpSuspicionFactor = 2;
    private long viewChangeTimeoutNanos = 50_000_000;
    private int snapshotEveryRounds = 4096;
    private long snapshotEveryBytes = 32L * 1024 * 1024;
    private long maxLogBytes = 96L * 1024 * 1024;
    private int rejoinAfterRounds = 16;
    private int maxSnapshotBytes = 1 << 30;
    private int divergenceCheckEverySnapshots = 1;
    private boolean durable = false;
    private ProposerPolicy proposers = ProposerPolicy.ALL;

    private Builder(int replicas) {
      this.replicas = replicas;
    }

    public Builder minRoundIntervalNanos(long v) { this.minRoundIntervalNanos = v; return this; }
    public Builder roundTimeoutNanos(long v) { this.roundTimeoutNanos = v; return this; }
    public Builder roundTimeoutMaxNanos(long v) { this.roundTimeoutMaxNanos = v; return this; }
    public Builder idleRoundIntervalNanos(long v) { this.idleRoundIntervalNanos = v; return this; }
    public Builder maxBatchBytes(int v) { this.maxBatchBytes = v; return this; }
    public Builder maxBatchRequests(int v) { this.maxBatchRequests = v; return this; }
    public Builder maxRequestBytes(int v) { this.maxRequestBytes = v; return this; }
    public Builder maxQueuedRequests(int v) { this.maxQueuedRequests = v; return this; }
    public Builder maxQueuedBytes(long v) { this.maxQueuedBytes = v; return this; }
    public Builder maxPendingReads(int v) { this.maxPendingReads = v; return this; }
    public Builder maxRoundsInFlight(int v) { this.maxRoundsInFlight = v; return this; }
    public Builder logWindowRounds(int v) { this.logWindowRounds = v; return this; }
    public Builder maxTransferBytes(int v) { this.maxTransferBytes = v; return this; }
    public Builder maxClients(int v) { this.maxClients = v; return this; }
    public Builder suspectAfterRounds(int v) { this.suspectAfterRounds = v; return this; }
    public Builder suspectAfterMaxNanos(long v) { this.suspectAfterMaxNanos = v; return this; }
    public Builder suspectLateAfterNanos(long v) { this.suspectLateAfterNanos = v; return this; }
    public Builder warmUpNanos(long v) { this.warmUpNanos = v; return this; }
    public Builder warmUpSuspicionFactor(int v) { this.warmUpSuspicionFactor = v; return this; }
    public Builder viewChangeTimeoutNanos(long v) { this.viewChangeTimeoutNanos = v; return this; }
    public Builder snapshotEveryRounds(int v) { this.snapshotEveryRounds = v; return this; }
    public Builder snapshotEveryBytes(long v) { this.snapshotEveryBytes = v; return this; }
    public Builder maxLogBytes(long v) { this.maxLogBytes = v; return this; }
    public Builder rejoinAfterRounds(int v) { this.rejoinAfterRounds = v; return this; }
    public Builder maxSnapshotBytes(int v) { this.maxSnapshotBytes = v; return this; }
    public Builder divergenceCheckEverySnapshots(int v) { this.divergenceCheckEverySnapshots = v; return this; }
    public Builder durable(boolean v) { this.durable = v; return this; }
    public Builder proposers(ProposerPolicy v) { this.proposers = v; return this; }

    /**
     * Unset, round-timeout-max is {@link #DEFAULT_ROUND_TIMEOUT_MAX_FACTOR} x round-timeout, but no
     * more than half the view-change timeout (nor less than round-timeout): a view change must be
     * able to outlast the rounds it replaces.
     */
    private long effectiveRoundTimeoutMax() {
      if (roundTimeoutMaxNanos >= 0) {
        return roundTimeoutMaxNanos;
      }
      return Math.max(roundTimeoutNanos,
          Math.min(DEFAULT_ROUND_TIMEOUT_MAX_FACTOR * roundTimeoutNanos, viewChangeTimeoutNanos / 2));
    }

    private long effectiveSuspectAfterMax() {
      return suspectAfterMaxNanos >= 0 ? suspectAfterMaxNanos : suspectAfterRounds * effectiveRoundTimeoutMax();
    }

    private long effectiveSuspectLateAfter() {
      return Math.max(suspectLateAfterNanos, effectiveSuspectAfterMax());
    }

    /** @throws InvalidConfigException listing every problem found, each with its fix */
    public ChoraConfig build() {
      List<String> errors = new ArrayList<>();
      if (replicas < 3 || replicas > 9 || replicas % 2 == 0) {
        errors.add("replicas = " + replicas + ": Chora needs an odd replica count N = 2f+1 of 3, 5, 7"
            + " or 9 (an even count tolerates no more failures than the odd count below it)");
      }
      if (minRoundIntervalNanos < 0) {
        errors.add("min-round-interval = " + minRoundIntervalNanos + "ns: must be >= 0");
      }
      if (roundTimeoutNanos <= 0) {
        errors.add("round-timeout = " + roundTimeoutNanos + "ns: must be > 0");
      } else if (roundTimeoutNanos <= minRoundIntervalNanos) {
        errors.add("round-timeout (" + roundTimeoutNanos + "ns) must be greater than"
            + " min-round-interval (" + minRoundIntervalNanos + "ns), or every round would time out");
      }
      if (effectiveRoundTimeoutMax() < roundTimeoutNanos) {
        errors.add("round-timeout-max (" + roundTimeoutMaxNanos + "ns) must be >= round-timeout ("
            + roundTimeoutNanos + "ns); set them equal for a fixed round timeout");
      }
      if (idleRoundIntervalNanos < minRoundIntervalNanos) {
        errors.add("idle-round-interval (" + idleRoundIntervalNanos + "ns) must be >="
            + " min-round-interval (" + minRoundIntervalNanos + "ns)");
      }
      if (maxRequestBytes <= 0) {
        errors.add("max-request-bytes = " + maxRequestBytes + ": must be > 0");
      }
      if (maxBatchBytes < maxRequestBytes) {
        errors.add("max-batch-bytes (" + maxBatchBytes + ") must be >= max-request-bytes ("
            + maxRequestBytes + "), or a request of the maximum size could never be proposed");
      }
      if (maxBatchRequests <= 0) {
        errors.add("max-batch-requests = " + maxBatchRequests + ": must be > 0");
      }
      if (maxQueuedRequests <= 0 || maxQueuedBytes < maxRequestBytes) {
        errors.add("max-queued-requests (" + maxQueuedRequests + ") must be > 0 and max-queued-bytes ("
            + maxQueuedBytes + ") >= max-request-bytes (" + maxRequestBytes + ")");
      }
      if (maxPendingReads <= 0) {
        errors.add("max-pending-reads = " + maxPendingReads + ": must be > 0");
      }
      if (maxRoundsInFlight <= 0) {
        errors.add("max-rounds-in-flight = " + maxRoundsInFlight + ": must be > 0");
      }
      if (snapshotEveryRounds <= 0) {
        errors.add("snapshot-every-rounds = " + snapshotEveryRounds + ": must be > 0");
      }
      if (snapshotEveryBytes < maxBatchBytes) {
        errors.add("snapshot-every-bytes (" + snapshotEveryBytes + ") must be at least max-batch-bytes ("
            + maxBatchBytes + "): below it every round could take a snapshot of the whole state");
      }
      if (maxLogBytes / 2 < snapshotEveryBytes) {
        errors.add("max-log-bytes (" + maxLogBytes + ") must be at least twice snapshot-every-bytes ("
            + snapshotEveryBytes + "): the log holds what was executed since the last snapshot while the"
            + " next one is taken, and rounds stop at max-log-bytes; raise max-log-bytes or lower"
            + " snapshot-every-bytes");
      }
      long minWindow = (long) snapshotEveryRounds + 4L * maxRoundsInFlight + 4;
      if (logWindowRounds < minWindow) {
        errors.add("log-window-rounds (" + logWindowRounds + ") must be at least snapshot-every-rounds + 4 *"
            + " max-rounds-in-flight + 4 (" + minWindow + "): the log keeps every round since the last"
            + " snapshot, and peers run up to max-rounds-in-flight rounds ahead of a commit index that may"
            + " itself be ahead of this replica's");
      }
      if (suspectAfterRounds <= 0) {
        errors.add("suspect-after-rounds = " + suspectAfterRounds + ": must be > 0");
      }
      if (suspectAfterMaxNanos >= 0 && suspectAfterMaxNanos < 2 * roundTimeoutNanos) {
        errors.add("suspect-after-max (" + suspectAfterMaxNanos + "ns) must be at least twice round-timeout ("
            + roundTimeoutNanos + "ns): suspicion needs two violations in a row at least, so that one late"
            + " message never excludes a member; raise it, or leave it unset to let suspect-after-rounds decide");
      }
      if (warmUpNanos < 0 || warmUpNanos > MAX_WARM_UP_NANOS) {
        errors.add("warm-up = " + warmUpNanos + "ns: must be between 0 (no warm-up) and a day; it is how"
            + " long after its start a replica suspects its peers more slowly, typically a minute");
      }
      if (warmUpSuspicionFactor < 1 || warmUpSuspicionFactor > MAX_WARM_UP_SUSPICION_FACTOR) {
        errors.add("warm-up-suspicion-factor = " + warmUpSuspicionFactor + ": must be between 1 and "
            + MAX_WARM_UP_SUSPICION_FACTOR + "; it multiplies suspect-after-rounds and suspect-after-max while a"
            + " replica warms up (1: no effect)");
      }
      if (rejoinAfterRounds <= 0) {
        errors.add("rejoin-after-rounds = " + rejoinAfterRounds + ": must be > 0");
      }
      if (viewChangeTimeoutNanos < 2 * roundTimeoutNanos) {
        errors.add("view-change-timeout (" + viewChangeTimeoutNanos + "ns) must be at least twice round-timeout ("
            + roundTimeoutNanos + "ns): a view change takes several message delays");
      } else if (viewChangeTimeoutNanos < 2 * effectiveRoundTimeoutMax()) {
        errors.add("view-change-timeout (" + viewChangeTimeoutNanos + "ns) must be at least twice round-timeout-max ("
            + effectiveRoundTimeoutMax() + "ns): a view change takes several message delays, which may be"
            + " as long as the rounds' adapted timeout; raise view-change-timeout or lower round-timeout-max");
      }
      if (divergenceCheckEverySnapshots < 0) {
        errors.add("divergence-check-every-snapshots = " + divergenceCheckEverySnapshots + ": must be >= 0 (1 compares"
            + " the replicas' state digests at every snapshot-every-rounds round, 0 never)");
      }
      if (maxSnapshotBytes <= 0) {
        errors.add("max-snapshot-bytes = " + maxSnapshotBytes + ": must be > 0");
      }
      long wholeRound = RoundSlots.maxSizeBytes(replicas, maxBatchBytes);
      if (maxTransferBytes < wholeRound) {
        errors.add("max-transfer-bytes (" + maxTransferBytes + ") must hold a whole round of full batches,"
            + " replicas x (max-batch-bytes + 8) + 24 = " + wholeRound + ": state transfers and view changes"
            + " carry rounds whole; raise max-transfer-bytes or lower max-batch-bytes");
      }
      if (maxClients <= 0) {
        errors.add("max-clients = " + maxClients + ": must be > 0");
      }
      if (proposers == null) {
        errors.add("proposers is not set: use all (Chora, the default), leader or rotating (baselines)");
      }
      if (!errors.isEmpty()) {
        throw new InvalidConfigException(errors);
      }
      return new ChoraConfig(this);
    }
  }
}
