package dev.chora.actors;

/**
 * What a replica reports about itself, grouped by what each figure is about: its view, its
 * position in the log, its rounds, its clients' requests and its view changes. Counters only
 * grow, so a reader derives rates (round rate, violation rate, requests per round) from two
 * samples and their {@link #sampledAtNanos} (the replica's clock).
 *
 * @param refused        messages refused for who sent them (see docs/runtime.md, Security)
 * @param warmingUp      within protocol.warm-up of this replica's start: its suspicion thresholds
 *                       are warm-up-suspicion-factor times longer, and so is a fail-over that it
 *                       has to notice
 * @param sampledAtNanos when the figures were read, on the replica's {@code System.nanoTime()}
 * @param storage        whether the replica persists, and how its disk keeps up
 */
public record ReplicaStatus(int replicaId, View view, Progress progress, Rounds rounds, Requests requests,
    ViewChanges viewChanges, Refused refused, boolean warmingUp, long sampledAtNanos, Storage storage) {

  /** A memory-mode replica's status (no storage figures). */
  public ReplicaStatus(int replicaId, View view, Progress progress, Rounds rounds, Requests requests,
      ViewChanges viewChanges, Refused refused, boolean warmingUp, long sampledAtNanos) {
    this(replicaId, view, progress, rounds, requests, viewChanges, refused, warmingUp, sampledAtNanos, Storage.MEMORY);
  }

  /** What a replica is doing. */
  public enum State {
    /** A replica that claims the group's first start, asking its peers whether the group has a history. */
    STARTING,
    /** Proposing (if active) and acknowledging in its view. */
    NORMAL,
    /** Moving to its view: neither proposing nor acknowledging. */
    VIEW_CHANGE,
    /** Restarted with its state lost: silent until it has adopted a view newer than any it could have voted in. */
    RECOVERING
  }

  /**
   * The view the replica is in.
   *
   * @param number    the view number, -1 before the replica has one
   * @param activeSet bit i set when replica i is in the active set of this view
   */
  public record View(State state, long number, int activeSet) {
    /** Whether the replica is in its view's normal operation. */
    public boolean isNormal() {
      return state == State.NORMAL;
    }

    /** Whether replica {@code id} is in the active set. */
    public boolean isActive(int id) {
      return (activeSet & (1 << id)) != 0;
    }
  }

  /**
   * Where the replica stands in the log.
   *
   * @param currentRound  the round it is in
   * @param commitIndex   the last round it knows committed
   * @param executedRound the last round applied to its state machine
   * @param stateRequests state-transfer requests sent to catch up (by whole rounds or a snapshot)
   */
  public record Progress(long currentRound, long commitIndex, long executedRound, long stateRequests) {}

  /**
   * The replica's rounds and their timing.
   *
   * @param entered                rounds this replica has proposed in
   * @param timedOut               rounds entered by timeout rather than with every member's message
   * @param violations             synchrony violations seen (a round missing a member's message)
   * @param timeoutMillis          the round timeout in use, adapted to peers' lags between
   *                               protocol.round-timeout and round-timeout-max
   * @param commitLatencyP50Millis median time from proposing a round to its commit, over recent rounds
   * @param commitLatencyP99Millis 99th percentile of the same
   */
  public record Rounds(long entered, long timedOut, long violations, double timeoutMillis,
      double commitLatencyP50Millis, double commitLatencyP99Millis) {}

  /**
   * Client requests at this replica.
   *
   * @param proposed requests this replica put into its batches
   * @param executed requests applied to the state machine here (from every proposer)
   * @param queued   requests waiting for this replica's next batch
   * @param timed    requests admitted here and executed from this replica's own slots since it
   *                 started: what the next two sums are over
   * @param waitNanos        summed over {@code timed}: from arriving at the replica to the round
   *                         that proposed it
   * @param replicationNanos summed over {@code timed}: from its proposal to its execution here
   *                         (the round's replication and commit)
   */
  public record Requests(long proposed, long executed, int queued, long timed, long waitNanos,
      long replicationNanos) {

    /** Counts without the request-path sums. */
    public Requests(long proposed, long executed, int queued) {
      this(proposed, executed, queued, 0, 0, 0);
    }
  }

  /**
   * The view changes this replica took part in.
   *
   * @param started           view changes this replica started
   * @param suspicions        view changes started because a member missed suspect-after-rounds rounds
   * @param timeouts          view changes that did not complete within view-change-timeout and moved
   *                          on to a later view (a high rate means messages are slower than the
   *                          timeout, or a coordinator is unreachable)
   * @param messagesInParts   DoViewChange and StartView messages this replica sent in several parts
   *                          because they held more than max-transfer-bytes of rounds
   * @param outsidersAnswered StartViewChange messages from replicas outside the active set answered
   *                          with this replica's view instead of joined: a replica that hears its
   *                          peers late (see docs/protocol.md)
   * @param fallenBackTo      views this replica adopted below the one it was changing to, after the
   *                          group answered its StartViewChange with its view
   */
  public record ViewChanges(long started, long suspicions, long timeouts, long messagesInParts,
      long outsidersAnswered, long fallenBackTo) {}

  /**
   * Messages this replica dropped for their sender, each also logged (at most a line a second).
   *
   * @param forgedPeerMessages peer messages that did not come from the replica they name (not
   *                           through that replica's inbox), and peer-link grants without this
   *                           replica's nonce
   * @param fromNonMembers     client batches and status or digest queries whose reply address is
   *                           neither a cluster member nor a configured replica
   */
  public record Refused(long forgedPeerMessages, long fromNonMembers) {}

  /**
   * Where the replica keeps its log (chora.storage, docs/runtime.md "Storage").
   *
   * @param durable       durable mode (log, view state and snapshots on disk); false: memory mode
   * @param dataDir       the data directory, "" in memory mode
   * @param emittedSeq    log entries the replica has asked to persist (numbered across restarts)
   * @param persistedSeq  the highest entry number on disk: nothing above it is acknowledged
   * @param syncs         syncs of the log (each covers every entry appended before it: group commit)
   * @param syncP50Millis median sync time over recent syncs
   * @param syncP99Millis 99th percentile of the same
   * @param bytesWritten  bytes written to the log since the replica started
   * @param failure       why the replica stopped acknowledging ("stopped acknowledging: disk full at
   *                      ..."), or "" while its disk takes writes
   */
  public record Storage(boolean durable, String dataDir, long emittedSeq, long persistedSeq, long syncs,
      double syncP50Millis, double syncP99Millis, long bytesWritten, String failure) {
    public static final Storage MEMORY = new Storage(false, "", 0, 0, 0, 0, 0, 0, "");

    /** "durable" or "memory", as chora.storage.mode writes it. */
    public String mode() {
      return durable ? "durable" : "memory";
    }

    /** Whether the disk failed and the replica no longer acknowledges. */
    public boolean failed() {
      return !failure.isEmpty();
    }
  }

  /** A replica not yet running the protocol: no view, no rounds, no history. */
  public static ReplicaStatus starting(int replicaId) {
    return new ReplicaStatus(replicaId, new View(State.STARTING, -1, 0), new Progress(0, 0, 0, 0),
        new Rounds(0, 0, 0, 0, 0, 0), new Requests(0, 0, 0), new ViewChanges(0, 0, 0, 0, 0, 0), new Refused(0, 0), false,
        System.nanoTime());
  }
}
